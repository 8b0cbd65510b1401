package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/match"
)

type matchOptions struct {
	left, right string
	format      string
	minScore    float64
	all         bool
}

func newMatchCmd(g *globals) *cobra.Command {
	var o matchOptions
	cmd := &cobra.Command{
		Use:   "match --left A.csv --right B.csv",
		Short: "Suggest one-to-one matches between two exported company lists, with a score, a band and a reason",
		Long: "Match two company lists exported as CSV (a header with id and name; optional domain or website, city,\n" +
			"external_id). Each company is matched at most once. Bands: exact (the same name once normalised),\n" +
			"strong (safe to accept in bulk), review (a person should look). Duplicates inside a list are reported.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMatch(g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.left, "left", "", "CSV of the first list, e.g. HaloPSA clients (required)")
	f.StringVar(&o.right, "right", "", "CSV of the second list, e.g. IT Glue organizations (required)")
	f.StringVar(&o.format, "format", "", "table, tsv, csv or json (default: table on a terminal, tsv otherwise)")
	f.Float64Var(&o.minScore, "min-score", match.DefaultFloor, "lowest score to suggest, 0 to 1")
	f.BoolVar(&o.all, "all", false, "also list the companies left without a match on either side")
	return cmd
}

func runMatch(g *globals, o matchOptions) error {
	switch {
	case o.left == "" || o.right == "":
		return fmt.Errorf("--left and --right are both required")
	case o.minScore <= 0 || o.minScore > 1:
		return fmt.Errorf("--min-score %v: give a number above 0 and at most 1", o.minScore)
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
	left, err := readCompanies(o.left)
	if err != nil {
		return err
	}
	right, err := readCompanies(o.right)
	if err != nil {
		return err
	}
	res := match.Match(left, right, match.Options{Floor: o.minScore})

	if format == "json" {
		if !o.all {
			res.UnmatchedLeft, res.UnmatchedRight = nil, nil
		}
		enc := json.NewEncoder(g.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	rows := matchRows(res, left, right, o.all)
	var werr error
	switch format {
	case "table":
		werr = writeMatchTable(g.io.Out, rows)
	case "tsv":
		werr = writeMatchTSV(g.io.Out, rows)
	case "csv":
		w := csv.NewWriter(g.io.Out)
		for _, r := range rows {
			_ = w.Write(r.fields())
		}
		w.Flush()
		werr = w.Error()
	}
	writeMatchSummary(g.io.Err, res, left, right)
	return werr
}

type matchRow struct {
	leftID, leftName, rightID, rightName, score, band, reason string
}

func (r matchRow) fields() []string {
	return []string{r.leftID, r.rightID, r.score, r.band, r.reason}
}

var matchHeader = matchRow{leftID: "left_id", rightID: "right_id", score: "score", band: "band", reason: "reason"}

func matchRows(res match.Result, left, right []match.Record, all bool) []matchRow {
	names := map[string]string{}
	for _, r := range left {
		names["L"+r.ID] = r.Name
	}
	for _, r := range right {
		names["R"+r.ID] = r.Name
	}
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
	clean := strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")
	for _, r := range rows {
		f := r.fields()
		for i := range f {
			f[i] = clean.Replace(f[i])
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
	fmt.Fprintln(tw, "LEFT\tRIGHT\tSCORE\tBAND\tREASON")
	for _, r := range rows[1:] {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", label(r.leftID, r.leftName), label(r.rightID, r.rightName), r.score, r.band, r.reason)
	}
	return tw.Flush()
}

func label(id, name string) string {
	if id == "" {
		return "-"
	}
	if len([]rune(name)) > 40 {
		name = string([]rune(name)[:39]) + "…"
	}
	return id + " " + name
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
