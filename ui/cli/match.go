package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/match"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/ui/display"
)

type matchOptions struct {
	left, right string
	format      string
	minScore    float64
	all         bool
	candidates  int
}

func newMatchCmd(g *globals) *cobra.Command {
	var o matchOptions
	cmd := &cobra.Command{
		Use:   "match --left A.csv --right B.csv",
		Short: "Match companies: review the tenant's (suggest, list, accept, …) or two exported lists (--left, --right)",
		Long: "Review the tenant's matches: suggest after mspwire inventory fetch, then list, accept, reject, remap,\n" +
			"new, ignore and undo, or export and import a spreadsheet — the same review as the wizard's screen.\n\n" +
			"Or match two company lists exported as CSV (a header with id and name; optional domain or website, city,\n" +
			"external_id). Each company is matched at most once. Bands: exact (the same name once normalised),\n" +
			"strong (safe to accept in bulk), review (a person should look). Duplicates inside a list are reported.",
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMatch(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.left, "left", "", "CSV of the first list, e.g. HaloPSA clients (required)")
	f.StringVar(&o.right, "right", "", "CSV of the second list, e.g. IT Glue organizations (required)")
	f.StringVar(&o.format, "format", "", "table, tsv, csv or json (default: table on a terminal, tsv otherwise)")
	f.Float64Var(&o.minScore, "min-score", match.DefaultFloor, "lowest score to suggest, 0 to 1")
	f.BoolVar(&o.all, "all", false, "also list the companies left without a match on either side")
	f.IntVar(&o.candidates, "candidates", 0, "instead of one-to-one suggestions, list each left company's K best right companies, best first")
	addReviewCmds(cmd, g)
	cmd.SuggestionsMinimumDistance = 2
	return cmd
}

func runMatch(ctx context.Context, g *globals, o matchOptions) error {
	switch {
	case o.left == "" || o.right == "":
		return fmt.Errorf("--left and --right are both required")
	case !(o.minScore > 0 && o.minScore <= 1): // also refuses NaN
		return fmt.Errorf("--min-score %v: give a number above 0 and at most 1", o.minScore)
	case o.candidates < 0 || o.candidates > 20:
		return fmt.Errorf("--candidates %d: give a number from 1 to 20", o.candidates)
	}
	format := o.format
	if format == "" {
		format = "tsv"
		if g.io.OutIsTerminal {
			format = "table"
		}
	}
	if format != "table" && format != "tsv" && format != "csv" && format != "json" {
		return fmt.Errorf("--format %q: choose table, tsv, csv or json", format)
	}
	left, err := readCompanies(ctx, o.left)
	if err == nil {
		var right []match.Record
		right, err = readCompanies(ctx, o.right)
		if err == nil {
			return matchLists(ctx, g, o, format, left, right)
		}
	}
	if ctx.Err() != nil {
		return &exitError{Code: ExitCancelled, Err: errors.New("match cancelled; nothing was written")}
	}
	return err
}

func matchLists(ctx context.Context, g *globals, o matchOptions, format string, left, right []match.Record) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		// Two lists at the size limit fit in this; the collector works
		// harder near it rather than let the process grow past it.
		debug.SetMemoryLimit(768 << 20)
	}
	if len(left)+len(right) > 20_000 {
		fmt.Fprintf(g.io.Err, "matching %d and %s; Ctrl+C stops\n", len(left), plural.N(len(right), "company", "companies"))
	}
	res, err := match.MatchContext(ctx, left, right, match.Options{Floor: o.minScore, Candidates: o.candidates})
	if ctx.Err() != nil {
		return &exitError{Code: ExitCancelled, Err: errors.New("match cancelled; nothing was written")}
	}
	if err != nil {
		return err
	}

	if format == "json" {
		if !o.all {
			res.UnmatchedLeft, res.UnmatchedRight = nil, nil
		}
		enc := jsonOut(g)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	rows := matchRows(res, left, right, o.all)
	if o.candidates > 0 {
		rows = candidateRows(res, left, right)
	}
	var werr error
	switch format {
	case "table":
		werr = writeMatchTable(g.io.Out, rows)
	case "tsv":
		werr = writeMatchTSV(g.io.Out, rows)
	case "csv":
		var cells [][]string
		for _, r := range rows {
			cells = append(cells, r.fields())
		}
		werr = writeCSV(g.io.Out, cells)
	}
	writeMatchSummary(g.io.Err, res, left, right)
	return werr
}

type matchRow struct {
	leftID, leftName, rightID, rightName, score, rank, band, reason string
}

// fields are the row's columns; a rank column only in a candidate list.
func (r matchRow) fields() []string {
	if r.rank != "" {
		return []string{r.leftID, r.rightID, r.score, r.rank, r.band, r.reason}
	}
	return []string{r.leftID, r.rightID, r.score, r.band, r.reason}
}

var matchHeader = matchRow{leftID: "left_id", rightID: "right_id", score: "score", band: "band", reason: "reason"}

// candidateRows lists each left company's best right companies.
func candidateRows(res match.Result, left, right []match.Record) []matchRow {
	names := companyNames(left, right)
	header := matchHeader
	header.rank = "rank"
	rows := []matchRow{header}
	for _, c := range res.Candidates {
		rows = append(rows, matchRow{leftID: c.LeftID, leftName: names["L"+c.LeftID], rightID: c.RightID, rightName: names["R"+c.RightID],
			score: strconv.FormatFloat(c.Score, 'f', 3, 64), rank: strconv.Itoa(c.Rank), band: string(c.Band), reason: c.Reason})
	}
	return rows
}

func companyNames(left, right []match.Record) map[string]string {
	names := map[string]string{}
	for _, r := range left {
		names["L"+r.ID] = r.Name
	}
	for _, r := range right {
		names["R"+r.ID] = r.Name
	}
	return names
}

func matchRows(res match.Result, left, right []match.Record, all bool) []matchRow {
	names := companyNames(left, right)
	rows := []matchRow{matchHeader}
	for _, s := range res.Suggestions {
		rows = append(rows, matchRow{leftID: s.LeftID, leftName: names["L"+s.LeftID], rightID: s.RightID, rightName: names["R"+s.RightID],
			score: strconv.FormatFloat(s.Score, 'f', 3, 64), band: string(s.Band), reason: s.Reason})
	}
	if all {
		for _, id := range res.UnmatchedLeft {
			rows = append(rows, matchRow{leftID: id, leftName: names["L"+id], band: "unmatched", reason: "no match in the right list"})
		}
		for _, id := range res.UnmatchedRight {
			rows = append(rows, matchRow{rightID: id, rightName: names["R"+id], band: "unmatched", reason: "no match in the left list"})
		}
	}
	return rows
}

func writeMatchTSV(w io.Writer, rows []matchRow) error {
	for _, r := range rows {
		f := r.fields()
		for i := range f {
			f[i] = display.Safe(f[i]) // a tab or newline in a name would break the row
		}
		if _, err := fmt.Fprintln(w, strings.Join(f, "\t")); err != nil {
			return err
		}
	}
	return nil
}

// writeMatchTable is for a person: names beside ids, aligned.
func writeMatchTable(w io.Writer, rows []matchRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	ranked := rows[0].rank != ""
	if ranked {
		fmt.Fprintln(tw, "LEFT\tRANK\tRIGHT\tSCORE\tBAND\tREASON")
	} else {
		fmt.Fprintln(tw, "LEFT\tRIGHT\tSCORE\tBAND\tREASON")
	}
	for _, r := range rows[1:] {
		if ranked {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", label(r.leftID, r.leftName), r.rank, label(r.rightID, r.rightName), r.score, r.band, display.Safe(r.reason))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", label(r.leftID, r.leftName), label(r.rightID, r.rightName), r.score, r.band, display.Safe(r.reason))
	}
	return tw.Flush()
}

func label(id, name string) string {
	if id == "" {
		return "-"
	}
	name = display.Safe(name)
	if len([]rune(name)) > 40 {
		name = string([]rune(name)[:39]) + "…"
	}
	return display.Safe(id) + " " + name
}

// writeMatchSummary goes to stderr, so piped output stays data.
func writeMatchSummary(w io.Writer, res match.Result, left, right []match.Record) {
	bands := map[match.Band]int{}
	for _, s := range res.Suggestions {
		bands[s.Band]++
	}
	fmt.Fprintf(w, "%d left, %d right: %d suggested (%d exact, %d strong, %d review); %d left and %d right unmatched\n",
		len(left), len(right), len(res.Suggestions), bands[match.BandExact], bands[match.BandStrong], bands[match.BandReview],
		len(res.UnmatchedLeft), len(res.UnmatchedRight))
	for _, d := range res.Duplicates {
		fmt.Fprintf(w, "possible duplicate in the %s list: %s and %s (%s)\n", d.Side, d.FirstID, d.SecondID, d.Reason)
	}
}
