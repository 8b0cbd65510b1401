package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/checks"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/preflight"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/store"
)

func newDoctorCmd(g *globals) *cobra.Command {
	var asJSON, list, api bool
	var only, check string
	var answers, layouts []string
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the tenant for the integration guide's pitfalls and for drift since the last apply; exit 3 on findings",
		Long: "Look, through the vendors' APIs, for what makes these integrations fail silently: HaloPSA ticket types with\n" +
			"fields Liongard cannot fill, API agents without a team or permissions, IT Glue organizations Liongard's filter\n" +
			"leaves out, configurations Pro Sync would overwrite, missing or inactive Hudu layouts, Hudu matchers that\n" +
			"disagree with the review, two integrations feeding one Hudu company, duplicates, records linked twice, and\n" +
			"clients added, renamed or archived since the last applied plan. Each finding names the records and the fix.\n" +
			"What no API shows is asked as a question: answer it with --answer ID=yes|no; an answer holds 90 days.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if list {
				for _, c := range checks.All() {
					sys := c.System
					if sys == "" {
						sys = "all"
					}
					fmt.Fprintf(g.io.Out, "%-30s %-9s %-5s %s\n", c.ID, sys, c.Severity, c.Looks)
				}
				return nil
			}
			ctx := cmd.Context()
			if api {
				return withOnboard(ctx, g, func(e onboard.Env) error { return runPreflight(cmd, g, e, asJSON) })
			}
			return withOnboard(ctx, g, func(e onboard.Env) error {
				if err := saveLayouts(cmd, e, layouts); err != nil {
					return err
				}
				for _, a := range answers {
					id, yes, err := parseAnswer(a)
					if err != nil {
						return err
					}
					if err := checks.Answer(ctx, e, id, yes, who.Operator()); err != nil {
						return err
					}
				}
				rep, err := checks.Run(ctx, e, checks.Options{Only: only, Check: check, Actor: who.Operator()})
				if err != nil {
					return credentialError(err)
				}
				if asJSON {
					if err := jsonOut(g).Encode(doctorView{Findings: rep.Findings, Questions: rep.Questions, Ran: rep.Ran, Skipped: rep.Skipped}); err != nil {
						return err
					}
				} else {
					writeDoctor(g.io.Out, rep)
				}
				if len(rep.Findings) > 0 {
					return &exitError{Code: ExitFindings, Silent: true, Err: errors.New(plural.N(len(rep.Findings), "finding", "findings"))}
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, `print {"findings":[…],"questions":[…],"ran":[…],"skipped":[…]} on stdout`)
	f.BoolVar(&api, "api", false, "instead, read one page of every route mspwire uses, with the stored credentials, and check the fields it reads; nothing is written")
	f.BoolVar(&list, "list", false, "list the checks: id, system, severity, what each looks at")
	f.StringVar(&only, "only", "", "run one system's checks, by its id ("+strings.Join(adapter.IDs(), ", ")+")")
	f.StringVar(&check, "check", "", "run one check, by id (see --list)")
	f.StringArrayVar(&answers, "answer", nil, "answer a question first: ID=yes or ID=no (repeatable)")
	f.StringArrayVar(&layouts, "hudu-layout", nil, "the Hudu layout that plays a role for HaloPSA's records, kept for later runs: contacts=NAME, sites=NAME or devices=NAME")
	return cmd
}

// doctorView is doctor's --json.
type doctorView struct {
	Findings  []checks.Finding  `json:"findings"`
	Questions []checks.Question `json:"questions"`
	Ran       []string          `json:"ran"`
	Skipped   []string          `json:"skipped"`
}

func parseAnswer(s string) (string, bool, error) {
	id, v, ok := strings.Cut(s, "=")
	switch v = strings.ToLower(strings.TrimSpace(v)); {
	case !ok:
	case v == "yes" || v == "y":
		return strings.TrimSpace(id), true, nil
	case v == "no" || v == "n":
		return strings.TrimSpace(id), false, nil
	}
	return "", false, fmt.Errorf("--answer %q: give ID=yes or ID=no, the ID as mspwire doctor shows it", s)
}

// saveLayouts keeps --hudu-layout's roles in the profile's settings.
func saveLayouts(cmd *cobra.Command, e onboard.Env, layouts []string) error {
	if len(layouts) == 0 {
		return nil
	}
	chosen := map[string]string{}
	for _, l := range layouts {
		role, name, ok := strings.Cut(l, "=")
		role, name = strings.ToLower(strings.TrimSpace(role)), strings.TrimSpace(name)
		valid := false
		for _, r := range checks.LayoutRoles() {
			valid = valid || r == role
		}
		if !ok || !valid || name == "" {
			return fmt.Errorf("--hudu-layout %q: give ROLE=NAME with ROLE one of %s", l, strings.Join(checks.LayoutRoles(), ", "))
		}
		chosen[role] = name
	}
	return e.Store.UpdateOnboarding(cmd.Context(), e.Profile, func(o *store.Onboarding) error {
		if o.Settings.HuduLayouts == nil {
			o.Settings.HuduLayouts = map[string]string{}
		}
		for r, n := range chosen {
			o.Settings.HuduLayouts[r] = n
		}
		return nil
	}, store.AuditEntry{Profile: e.Profile, Actor: who.Operator(), Event: "doctor.layouts", Detail: map[string]any{"hudu_layouts": chosen}})
}

// writeDoctor prints the findings, worst first, then the questions.
func writeDoctor(w io.Writer, rep checks.Report) {
	if len(rep.Findings) == 0 {
		fmt.Fprintf(w, "No findings: %s ran.\n", plural.N(len(rep.Ran), "check", "checks"))
	}
	for i, f := range rep.Findings {
		fmt.Fprintf(w, "%d. [%s] %s (%s)\n", i+1, f.Severity, f.Summary, f.Check)
		for j, r := range f.Records {
			if j == 20 {
				fmt.Fprintf(w, "     … and %d more (--json lists them all)\n", len(f.Records)-j)
				break
			}
			id := ""
			if r.ID != "" {
				id = " #" + r.ID
			}
			fmt.Fprintf(w, "     - %s%s: %s\n", r.System, id, r.Name)
		}
		fmt.Fprintf(w, "   fix: %s\n", f.Fix)
	}
	if len(rep.Questions) > 0 {
		fmt.Fprintln(w, "\nQuestions no API answers (mspwire doctor --answer ID=yes|no):")
		for _, q := range rep.Questions {
			fmt.Fprintf(w, "- %s: %s\n  (%s)\n", q.ID, q.Text, q.Why)
		}
	}
}

// runPreflight is doctor --api: every route of the configured systems,
// read once; the failures are kept, and an apply of a plan kind that
// stands on one refuses to start until a preflight passes.
func runPreflight(cmd *cobra.Command, g *globals, e onboard.Env, asJSON bool) error {
	ctx := cmd.Context()
	r, err := status.Build(ctx, e.Store, e.Keyring, e.Profile)
	if err != nil {
		return err
	}
	var systems []string
	for _, s := range r.Systems {
		if s.Configured {
			systems = append(systems, s.ID)
		}
	}
	if len(systems) == 0 {
		return &exitError{Code: ExitCredentials, Err: errors.New("no system is configured: log in first (mspwire auth login SYSTEM)")}
	}
	rep := preflight.Run(ctx, e, systems)
	if err := preflight.Save(ctx, e.Store, e.Profile, rep); err != nil {
		return err
	}
	if asJSON {
		if err := jsonOut(g).Encode(rep); err != nil {
			return err
		}
	} else {
		for _, f := range rep.Findings {
			switch {
			case !f.OK:
				fmt.Fprintf(g.io.Out, "FAIL  %s %s: %s — it breaks %s\n", adapter.InfoOf(f.System).Name, f.Route, f.Problem, f.Affects)
			case f.Note != "":
				fmt.Fprintf(g.io.Out, "ok    %s %s (%s)\n", adapter.InfoOf(f.System).Name, f.Route, f.Note)
			default:
				fmt.Fprintf(g.io.Out, "ok    %s %s\n", adapter.InfoOf(f.System).Name, f.Route)
			}
		}
	}
	if failed := rep.Failed(); len(failed) > 0 {
		return &exitError{Code: ExitFindings, Err: fmt.Errorf("%s failed the preflight: the applies that stand on them wait until it passes",
			plural.N(len(failed), "route", "routes"))}
	}
	fmt.Fprintf(g.io.Err, "Every route answers as mspwire reads it (%s, nothing written).\n", plural.N(len(rep.Findings), "route", "routes"))
	return nil
}
