package cli

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
)

// lastTraceFile, in the data directory, names the last --debug-file, for
// bugreport to include.
const lastTraceFile = "last-trace"

// rememberTrace notes the trace file's path in the data directory, if the
// directory exists; a bug report without it is still a bug report.
func (g *globals) rememberTrace(path string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return
	}
	if st, err := os.Stat(g.DataDir()); err == nil && st.IsDir() {
		_ = os.WriteFile(filepath.Join(g.DataDir(), lastTraceFile), []byte(abs+"\n"), 0o600)
	}
}

// traceLines is how much of the last trace a report carries: its end,
// where the failure is.
const traceLines = 400

func newBugreportCmd(g *globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "bugreport [-o FILE]",
		Short: "Write one file to attach to an issue: version, system, terminal, path and connections (no secret), the last errors and the end of the last API trace",
		Long: "Writes what a maintainer needs to understand a problem into one file (0600), and nothing secret: mspwire's version and\n" +
			"commit, the OS and terminal, the profile's path, source of truth and connections (URLs and who they act as; never a\n" +
			"secret), the last plans and the errors their actions met, the last audit lines, and the end of the last --debug-file\n" +
			"trace (already redacted when it was written). It names your systems' URLs and some customers: read it before you\n" +
			"attach it. Run the failing command again with --debug-file FILE first to include its API calls.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				out = "mspwire-bugreport-" + time.Now().Format("20060102-150405") + ".txt"
			}
			var b strings.Builder
			now := time.Now()
			fmt.Fprintf(&b, "mspwire bug report, %s\n", now.UTC().Format(time.RFC3339))
			b.WriteString("Read it before you attach it: it names your systems' URLs and some of your customers. It holds no secret.\n")

			version, commit := buildVersion()
			fmt.Fprintf(&b, "\n== mspwire\nversion: %s\ncommit: %s\ngo: %s, %s/%s\n", version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			fmt.Fprintf(&b, "\n== terminal\nTERM=%q COLORTERM=%q NO_COLOR set: %t, ACCESSIBLE set: %t\n", os.Getenv("TERM"), os.Getenv("COLORTERM"),
				os.Getenv("NO_COLOR") != "", os.Getenv("ACCESSIBLE") != "")
			fmt.Fprintf(&b, "terminals: stdin %t, stdout %t, stderr %t\n", term.IsTerminal(os.Stdin.Fd()), term.IsTerminal(os.Stdout.Fd()), term.IsTerminal(os.Stderr.Fd()))

			b.WriteString("\n== profile\n")
			if r, err := buildStatus(cmd.Context(), g); err != nil {
				fmt.Fprintf(&b, "status: %v\n", err)
			} else if err := writeStatus(&b, r, now); err != nil {
				fmt.Fprintf(&b, "status: %v\n", err)
			}
			if st, err := g.openStore(cmd.Context()); err != nil {
				fmt.Fprintf(&b, "\n== data\n%v\n", err)
			} else {
				writeHistory(&b, cmd, st, g.profile)
				st.Close()
			}
			writeTraceTail(&b, g)

			if err := os.WriteFile(out, []byte(b.String()), 0o600); err != nil {
				return err
			}
			fmt.Fprintf(g.io.Err, "Wrote %s (%s): read it, then attach it to the issue.\n", out, plural.N(strings.Count(b.String(), "\n"), "line", "lines"))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write (default mspwire-bugreport-DATE.txt here)")
	return cmd
}

// writeHistory is the last plans, the errors their actions met, and the
// last audit lines.
func writeHistory(b *strings.Builder, cmd *cobra.Command, st *store.Store, profile string) {
	ctx := cmd.Context()
	b.WriteString("\n== last plans\n")
	latest, err := st.LatestPlan(ctx, profile)
	if err != nil {
		fmt.Fprintf(b, "%v\n", err)
	}
	for id := latest.ID; err == nil && id > 0 && id > latest.ID-5; id-- {
		p, perr := st.PlanByID(ctx, profile, id)
		if perr != nil {
			continue
		}
		actions, aerr := st.Actions(ctx, p.ID)
		if aerr != nil {
			fmt.Fprintf(b, "plan %d: %v\n", p.ID, aerr)
			continue
		}
		counts := map[string]int{}
		for _, a := range actions {
			counts[string(a.State)]++
		}
		fmt.Fprintf(b, "plan %d, %s, made %s: %v\n", p.ID, p.Kind, p.CreatedAt.UTC().Format(time.RFC3339), counts)
		for _, a := range actions {
			if a.Error != "" {
				fmt.Fprintf(b, "  action %d %s %s (%s): %s\n", a.ID, a.System, a.Kind, a.State, a.Error)
			}
		}
	}
	b.WriteString("\n== last audit lines\n")
	log, err := st.AuditLog(ctx, profile)
	if err != nil {
		fmt.Fprintf(b, "%v\n", err)
		return
	}
	for _, e := range log[max(0, len(log)-30):] {
		fmt.Fprintf(b, "%s %s %s %v\n", e.At.UTC().Format(time.RFC3339), e.Actor, e.Event, e.Detail)
	}
}

// writeTraceTail is the end of the last --debug-file trace.
func writeTraceTail(b *strings.Builder, g *globals) {
	b.WriteString("\n== the end of the last API trace\n")
	name, err := os.ReadFile(filepath.Join(g.DataDir(), lastTraceFile))
	if err != nil {
		b.WriteString("none kept: run the failing command again with --debug-file FILE, then mspwire bugreport\n")
		return
	}
	path := strings.TrimSpace(string(name))
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(b, "%s: %v\n", path, err)
		return
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > 2*traceLines {
			lines = lines[len(lines)-traceLines:]
		}
	}
	lines = lines[max(0, len(lines)-traceLines):]
	fmt.Fprintf(b, "%s, its last %s:\n%s\n", path, plural.N(len(lines), "line", "lines"), strings.Join(lines, "\n"))
}
