package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/display"
)

// The review's scriptable twins: the same model the review screen drives.

func withReview(ctx context.Context, g *globals, fn func(*review.Model) error) error {
	if err := store.ValidProfile(g.profile); err != nil {
		return fmt.Errorf("--profile: %w", err)
	}
	st, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := review.Open(ctx, st, g.profile, who.Operator())
	if err != nil {
		return err
	}
	return fn(m)
}

func addReviewCmds(match *cobra.Command, g *globals) {
	match.AddCommand(newMatchSuggestCmd(g), newMatchListCmd(g), newMatchDecideCmd(g, "accept"), newMatchDecideCmd(g, "reject"),
		newMatchRemapCmd(g), newMatchDecideCmd(g, "new"), newMatchDecideCmd(g, "ignore"), newMatchUndoCmd(g),
		newMatchExportCmd(g), newMatchImportCmd(g), newMatchConfirmCmd(g))
}

func newMatchSuggestCmd(g *globals) *cobra.Command {
	var pairs []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "suggest [--pair halopsa:liongard]",
		Short: "Match the fetched inventories for every pair the path needs and store the suggestions; decisions made are kept",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withReview(cmd.Context(), g, func(m *review.Model) error {
				counts, err := m.Suggest(cmd.Context(), pairs...)
				if err != nil {
					return err
				}
				if asJSON {
					return jsonOut(g).Encode(counts)
				}
				for _, p := range m.Pairs() {
					c, ok := counts[p.ID]
					if !ok {
						continue
					}
					_ = m.SetPair(p.ID)
					fmt.Fprintf(g.io.Err, "%s (%s): %s, %d re-suggested, %s, %d stale, %d removed\n  %s\n",
						p.ID, p.Title(), plural.N(c.Added, "new row", "new rows"), c.Updated, plural.N(c.Kept, "decision kept", "decisions kept"), c.Stale, c.Removed, m.Counts())
				}
				return nil
			})
		},
	}
	cmd.Flags().StringSliceVar(&pairs, "pair", nil, "only these pairs, e.g. halopsa:liongard")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print what changed per pair as JSON")
	return cmd
}

// listRow is a row as `match list --json` prints it.
type listRow struct {
	ID        int64            `json:"id"`
	Pair      string           `json:"pair"`
	Left      store.RecordRef  `json:"left"`
	Right     *store.RecordRef `json:"right"`
	Score     float64          `json:"score"`
	Band      string           `json:"band"`
	State     string           `json:"state"`
	Stale     bool             `json:"stale"`
	Why       string           `json:"stale_reason,omitempty"`
	Reason    string           `json:"reason"`
	Duplicate string           `json:"duplicate,omitempty"`
	DecidedBy string           `json:"decided_by,omitempty"`
	label     string           // the state as the table shows it
}

func toListRow(d store.Decision) listRow {
	r := listRow{ID: d.ID, Pair: d.Pair, Left: d.Left, Score: d.Score, Band: d.Band, State: d.State, Stale: d.Stale != "", Why: d.Stale,
		Reason: d.Reason, Duplicate: d.Duplicate, DecidedBy: d.DecidedBy, label: d.Label()}
	if d.Right.ID != "" {
		right := d.Right
		r.Right = &right
	}
	return r
}

func newMatchListCmd(g *globals) *cobra.Command {
	var pair, band, state string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--pair P] [--band B] [--state S]",
		Short: "The review's rows: id, records, score, band, decision; the ids are what accept, reject, remap, new and ignore take",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if band != "" && !oneOf(band, "exact", "strong", "review", "none") {
				return fmt.Errorf("--band %q: choose exact, strong, review or none", band)
			}
			if state != "" && !oneOf(state, "todo", store.StateSuggested, store.StateAccepted, store.StateRejected, store.StateRemapped, store.StateCreate, store.StateIgnore) {
				return fmt.Errorf("--state %q: choose todo, suggested, accepted, rejected, remapped, create or ignore", state)
			}
			return withReview(cmd.Context(), g, func(m *review.Model) error {
				pairs := m.Pairs()
				if pair != "" {
					if err := m.SetPair(pair); err != nil {
						return err
					}
					pairs = []review.Pair{m.Pair()}
				}
				rows := []listRow{}
				for _, p := range pairs {
					_ = m.SetPair(p.ID)
					m.SetFilter(review.Filter{Band: band, State: state})
					for i := range m.Len() {
						rows = append(rows, toListRow(m.At(i)))
					}
				}
				if asJSON {
					enc := jsonOut(g)
					enc.SetIndent("", "  ")
					return enc.Encode(rows)
				}
				if len(rows) == 0 {
					fmt.Fprintln(g.io.Err, "No rows: run mspwire match suggest after mspwire inventory fetch, or loosen the filter.")
					return nil
				}
				tw := tabwriter.NewWriter(g.io.Out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tPAIR\tLEFT\tRIGHT\tSCORE\tBAND\tSTATE\tREASON")
				for _, r := range rows {
					right := "-"
					if r.Right != nil {
						right = label(r.Right.ID, r.Right.Name)
					}
					state := r.label
					if r.Stale {
						state += " (stale)"
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.3f\t%s\t%s\t%s\n", r.ID, r.Pair, label(r.Left.ID, r.Left.Name), right, r.Score, r.Band, state, display.Safe(r.Reason))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&pair, "pair", "", "only this pair, e.g. halopsa:liongard")
	cmd.Flags().StringVar(&band, "band", "", "only this band: exact, strong, review, or none (nothing suggested)")
	cmd.Flags().StringVar(&state, "state", "", "only this state: todo, suggested, accepted, rejected, remapped, create, ignore")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the rows as JSON")
	return cmd
}

func oneOf(s string, xs ...string) bool {
	for _, x := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// parseIDs reads row ids.
func parseIDs(args []string) ([]int64, error) {
	if len(args) == 0 {
		return nil, errors.New("give the ids of the rows (mspwire match list shows them)")
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%q is not a row id (a positive number from mspwire match list)", a)
		}
		if !seen[id] { // "accept 1 1 1" decides one row
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func newMatchDecideCmd(g *globals, verb string) *cobra.Command {
	shorts := map[string]string{
		"accept": "Accept the suggested record of rows (or every exact and strong row with --band strong)",
		"reject": "Say a row's suggested record is not the one; the row stays to review",
		"new":    "Mark rows whose record is to be created in the other system",
		"ignore": "Leave rows' records out of the other system",
	}
	var band, pair string
	cmd := &cobra.Command{
		Use:   verb + " ID…",
		Short: shorts[verb],
		RunE: func(cmd *cobra.Command, args []string) error {
			return withReview(cmd.Context(), g, func(m *review.Model) error {
				if verb == "accept" && band != "" {
					if band != "strong" || len(args) > 0 {
						return errors.New("--band takes only strong (exact and strong rows nobody has decided), without ids")
					}
					if pair != "" {
						if err := m.SetPair(pair); err != nil {
							return err
						}
					}
					total, left, err := m.AcceptSafeIn(cmd.Context(), pair)
					if err != nil {
						return err
					}
					fmt.Fprintf(g.io.Err, "Accepted %d exact and strong suggestions, as one action (mspwire match undo takes them all back).\n", total)
					if left > 0 {
						fmt.Fprintf(g.io.Err, "Skipped %s whose match has a twin: a person should look (mspwire match list --band strong --state todo).\n", plural.N(left, "row", "rows"))
					}
					return nil
				}
				ids, err := parseIDs(args)
				if err != nil {
					return err
				}
				do := map[string]func(context.Context, ...int64) error{"accept": m.Accept, "reject": m.Reject, "new": m.Create, "ignore": m.Ignore}[verb]
				if err := do(cmd.Context(), ids...); err != nil {
					return err
				}
				past := map[string]string{"accept": "Accepted", "reject": "Rejected", "new": "Marked to create", "ignore": "Ignored"}[verb]
				fmt.Fprintf(g.io.Err, "%s %d row(s).\n", past, len(ids))
				return nil
			})
		},
	}
	if verb == "accept" {
		cmd.Flags().StringVar(&band, "band", "", "strong: accept every exact and strong row nobody has decided")
		cmd.Flags().StringVar(&pair, "pair", "", "with --band: only this pair")
	}
	return cmd
}

func newMatchRemapCmd(g *globals) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "remap ID --to RIGHT_ID",
		Short: "Link a row to another record of the other system (its id as the inventory has it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, err := parseIDs(args)
			if err != nil {
				return err
			}
			if strings.TrimSpace(to) == "" {
				return errors.New("--to RIGHT_ID is required: the other system's id of the record (see the candidates in mspwire match list --json)")
			}
			return withReview(cmd.Context(), g, func(m *review.Model) error {
				if err := m.Remap(cmd.Context(), ids[0], strings.TrimSpace(to)); err != nil {
					return err
				}
				d, _ := m.Row(ids[0])
				fmt.Fprintf(g.io.Err, "Row %d: %s ↔ %s %s.\n", d.ID, d.Left.Name, d.Right.ID, d.Right.Name)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the other system's record id")
	return cmd
}

func newMatchUndoCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "undo",
		Short: "Take back the last review action (a bulk accept is one action), from this run or an earlier one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withReview(cmd.Context(), g, func(m *review.Model) error {
				n, err := m.Undo(cmd.Context())
				if err != nil {
					return err
				}
				if n == 0 {
					fmt.Fprintln(g.io.Err, "Nothing to undo.")
					return nil
				}
				fmt.Fprintf(g.io.Err, "Undid the last action: %d row(s) as they were.\n", n)
				return nil
			})
		},
	}
}

// The export's columns; decision is what import applies.
var exportHeader = []string{"id", "pair", "left_id", "left_name", "right_id", "right_name", "score", "band", "reason", "stale", "decision"}

func newMatchExportCmd(g *globals) *cobra.Command {
	var pair string
	cmd := &cobra.Command{
		Use:   "export FILE.csv",
		Short: "Write the review as CSV for a spreadsheet; change the decision column (and right_id to re-map), then import it",
		Long: "The decision column takes accepted, rejected, remapped (with the chosen right_id), create, ignore, or suggested\n" +
			"(leave it to review). mspwire match import applies what changed, all or nothing.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withReview(cmd.Context(), g, func(m *review.Model) error {
				rows := m.All(pair)
				if pair != "" {
					if err := m.SetPair(pair); err != nil {
						return err
					}
				}
				cells := [][]string{exportHeader}
				for _, d := range rows {
					cells = append(cells, []string{strconv.FormatInt(d.ID, 10), d.Pair, d.Left.ID, d.Left.Name, d.Right.ID, d.Right.Name,
						strconv.FormatFloat(d.Score, 'f', 3, 64), d.Band, d.Reason, d.Stale, d.State})
				}
				if err := writeCSVFile(args[0], cells); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Err, "Wrote %s to %s.\n", plural.N(len(rows), "row", "rows"), args[0])
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&pair, "pair", "", "only this pair")
	return cmd
}

func newMatchImportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Apply the decisions of an exported review: every line is checked first, and nothing is applied if one is wrong",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withReview(cmd.Context(), g, func(m *review.Model) error {
				changes, err := readDecisions(args[0], m)
				if err != nil {
					return err
				}
				if len(changes) == 0 {
					fmt.Fprintf(g.io.Err, "%s changes nothing.\n", args[0])
					return nil
				}
				if err := m.Apply(cmd.Context(), changes); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Err, "Applied %d decision(s) from %s, as one action (mspwire match undo takes it back).\n", len(changes), args[0])
				return nil
			})
		},
	}
}

// readDecisions reads an export and returns what differs from the stored
// rows, after checking every line; an error names the line. A file over
// the size limit is refused whole, never read in part.
func readDecisions(path string, m *review.Model) ([]store.Change, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if info.Size() > maxListBytes {
		return nil, fmt.Errorf("%s is %d MiB, over the %d MiB a review file may be: nothing was applied. Export one pair at a time (mspwire match export --pair P)",
			path, info.Size()>>20, maxListBytes>>20)
	}
	guard := &lineGuard{r: bufio.NewReaderSize(f, 64<<10), path: path, line: 1}
	if bom, _ := guard.r.Peek(3); string(bom) == "\xef\xbb\xbf" { // Excel's "CSV UTF-8"
		_, _ = guard.r.Discard(3)
	}
	r := csv.NewReader(guard)
	header, err := r.Read()
	if err != nil {
		return nil, csvError(path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"id", "right_id", "decision"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s line 1: no %s column; export the review with mspwire match export and edit that", path, need)
		}
	}
	type seenRow struct {
		line            int
		decision, right string
	}
	seen := map[int64]seenRow{}
	var changes []store.Change
	var problems []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(path, err)
		}
		line, _ := r.FieldPos(0)
		get := func(name string) string {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return ""
			}
			return unCSVCell(strings.TrimSpace(rec[i]))
		}
		id, err := strconv.ParseInt(get("id"), 10, 64)
		d, ok := m.Row(id)
		if err != nil || !ok {
			problems = append(problems, fmt.Sprintf("line %d: no review row %q in this profile", line, get("id")))
			continue
		}
		decision, right := strings.ToLower(get("decision")), get("right_id")
		if first, twice := seen[id]; twice {
			if first.decision != decision || first.right != right {
				problems = append(problems, fmt.Sprintf("line %d: row %d is also on line %d, with another decision: keep one of the two lines", line, id, first.line))
			}
			continue
		}
		seen[id] = seenRow{line, decision, right}
		if _, has := col["pair"]; has && get("pair") != d.Pair {
			problems = append(problems, fmt.Sprintf("line %d: row %d is of pair %s, not %q: the id decides which row a line is, so change the decision column only", line, id, d.Pair, get("pair")))
			continue
		}
		if _, has := col["left_id"]; has && get("left_id") != d.Left.ID {
			problems = append(problems, fmt.Sprintf("line %d: row %d is %s %s, not %q: the id decides which row a line is, so change the decision column only",
				line, id, d.Left.System, d.Left.ID, get("left_id")))
			continue
		}
		switch decision {
		case "", d.State:
			if decision == store.StateRemapped && right != d.Right.ID {
				changes = append(changes, store.Change{ID: id, State: store.StateRemapped, Right: store.RecordRef{System: d.Right.System, ID: right}})
			}
		case store.StateAccepted, store.StateRejected:
			if right != d.Right.ID {
				problems = append(problems, fmt.Sprintf("line %d: %s a different right_id (%q, suggested %q): write remapped to choose another record", line, decision, right, d.Right.ID))
				continue
			}
			changes = append(changes, store.Change{ID: id, State: decision})
		case store.StateRemapped:
			changes = append(changes, store.Change{ID: id, State: decision, Right: store.RecordRef{System: d.Right.System, ID: right}})
		case store.StateCreate, store.StateIgnore:
			changes = append(changes, store.Change{ID: id, State: decision})
		case store.StateSuggested:
			problems = append(problems, fmt.Sprintf("line %d: a decided row cannot go back to suggested here; use mspwire match undo", line))
		default:
			problems = append(problems, fmt.Sprintf("line %d: decision %q: write accepted, rejected, remapped, create, ignore or suggested", line, decision))
		}
	}
	for i, c := range changes {
		if c.State != store.StateRemapped {
			continue
		}
		ref, err := m.RightRecord(c.ID, c.Right.ID)
		if err != nil {
			problems = append(problems, fmt.Sprintf("row %d: %v", c.ID, err))
			continue
		}
		changes[i].Right = ref
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: nothing was applied, because:\n  %s", path, strings.Join(problems, "\n  "))
	}
	return changes, nil
}
