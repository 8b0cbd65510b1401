// Package report rolls the recurring reviews up per client — licences
// counted against billed with the money, devices whose user is to set,
// stale accounts, open follow-ups, and what moved since the last run — as
// Markdown to paste into an email or a QBR, or one self-contained HTML
// file. It is pure: the workflows' reports in, text out.
package report

import (
	"bytes"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/plural"
)

// Inputs are the three reviews as they ran, and what moved since the
// runs before them.
type Inputs struct {
	At       time.Time
	Profile  string
	Billing  billing.Report
	Devices  devices.Report
	Accounts accounts.Report
	Since    map[string]history.SinceLast // by history kind
}

// Report is the roll-up.
type Report struct {
	At       time.Time
	Profile  string
	Totals   billing.Totals
	In       string // which currency the money is in: billing.Report.In
	Clients  []Client
	Moved    []string // one line per review: what moved since its last run
	Unmapped int      // billing rows of clients the review links to no environment
}

// Client is one client's part.
type Client struct {
	ID, Name  string
	Licences  []Licence
	ToSet     int      // workstations whose asset's user is to set (or another's)
	NoUser    int      // workstations whose last logon is no HaloPSA user
	Stale     []string // stale accounts
	FollowUps []string // open tickets mspwire opened
	Check     []string // links to check before anything counts
}

// Licence is one product of a client.
type Licence struct {
	Product, Status, Counted, Billed, Monthly string
}

// Build rolls the reviews up, clients by name.
func Build(in Inputs) Report {
	r := Report{At: in.At, Profile: in.Profile, Totals: in.Billing.Totals, In: in.Billing.In()}
	byID := map[string]*Client{}
	client := func(id, name string) *Client {
		c, ok := byID[id]
		if !ok {
			c = &Client{ID: id, Name: name}
			byID[id] = c
		}
		return c
	}
	for _, row := range in.Billing.Rows {
		if row.Status == billing.Unmapped {
			r.Unmapped++
			continue
		}
		c := client(row.Client.ID, row.Client.Name)
		l := Licence{Product: row.Product.Title(), Status: row.Status.Words(), Billed: strconv.Itoa(row.Billed), Counted: "-", Monthly: "-"}
		if row.Counted != nil {
			l.Counted = strconv.Itoa(*row.Counted)
		}
		if row.MonthlyDifference != nil {
			l.Monthly = signed(*row.MonthlyDifference)
		}
		c.Licences = append(c.Licences, l)
		if row.Status == billing.CheckMapping {
			c.Check = append(c.Check, row.Why)
		}
		if t := row.Ticket; t != nil && t.Open {
			c.FollowUps = append(c.FollowUps, fmt.Sprintf("HaloPSA ticket %d (%s, %s), opened %s", t.ID, row.Product.Title(), t.Status, day(t.OpenedAt)))
		}
	}
	for _, row := range in.Devices.Rows {
		if row.Client == nil {
			continue
		}
		c := client(row.Client.ID, row.Client.Name)
		switch row.Status {
		case devices.ToSet, devices.Differs:
			c.ToSet++
		case devices.NoUser:
			c.NoUser++
		}
	}
	for _, row := range in.Accounts.Rows {
		if row.Client == nil {
			continue
		}
		c := client(row.Client.ID, row.Client.Name)
		c.Stale = append(c.Stale, fmt.Sprintf("%s (%s)", row.Account, plural.N(row.Days, "day", "days")))
	}
	for _, c := range byID {
		if len(c.Licences)+c.ToSet+c.NoUser+len(c.Stale) == 0 {
			continue
		}
		sort.Strings(c.Stale)
		r.Clients = append(r.Clients, *c)
	}
	sort.Slice(r.Clients, func(i, j int) bool { return strings.ToLower(r.Clients[i].Name) < strings.ToLower(r.Clients[j].Name) })
	for _, k := range []struct{ kind, what string }{{history.Billing, "Licences"}, {history.Devices, "Devices"}, {history.AccountsKind(in.Accounts.Days), "Stale accounts"}} {
		if s, ok := in.Since[k.kind]; ok {
			r.Moved = append(r.Moved, k.what+": "+s.Summary())
		}
	}
	return r
}

func signed(x float64) string {
	if x > 0 {
		return "+" + strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func day(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

// Markdown is the report as Markdown.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# mspwire report, %s\n\n", r.At.Format("2006-01-02"))
	fmt.Fprintf(&b, "Profile %s. %s a month not billed, %s a month billed too much", r.Profile, money(r.Totals.NotBilledMonthly), money(r.Totals.OverBilledMonthly))
	if r.Totals.InHand > 0 {
		fmt.Fprintf(&b, "; %s in hand (%s a month)", plural.N(r.Totals.InHand, "row", "rows"), signed(r.Totals.InHandMonthly))
	}
	fmt.Fprintf(&b, " (%s).\n", r.In)
	if r.Unmapped > 0 {
		fmt.Fprintf(&b, "%s billed with no Liongard environment linked.\n", plural.N(r.Unmapped, "licence is", "licences are"))
	}
	if len(r.Moved) > 0 {
		b.WriteString("\n## Since the last run\n\n")
		for _, m := range r.Moved {
			fmt.Fprintf(&b, "- %s\n", m)
		}
	}
	for _, c := range r.Clients {
		b.WriteString("\n")
		c.markdown(&b)
	}
	return b.String()
}

// Markdown is one client's part, as the report has it.
func (c Client) Markdown() string {
	var b strings.Builder
	c.markdown(&b)
	return b.String()
}

func (c Client) markdown(b *strings.Builder) {
	fmt.Fprintf(b, "## %s\n\n", mdEscape(c.Name))
	for _, why := range c.Check {
		fmt.Fprintf(b, "**Check the mapping:** %s\n\n", mdEscape(why))
	}
	if len(c.Licences) > 0 {
		b.WriteString("| Product | Counted | Billed | A month | Status |\n| --- | ---: | ---: | ---: | --- |\n")
		for _, l := range c.Licences {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", l.Product, l.Counted, l.Billed, l.Monthly, l.Status)
		}
		b.WriteString("\n")
	}
	if c.ToSet+c.NoUser > 0 {
		fmt.Fprintf(b, "- Devices: %s whose asset's user is to set, %s whose last logon is no HaloPSA user\n",
			plural.N(c.ToSet, "workstation", "workstations"), plural.N(c.NoUser, "workstation", "workstations"))
	}
	if len(c.Stale) > 0 {
		fmt.Fprintf(b, "- %s: %s\n", plural.N(len(c.Stale), "stale account", "stale accounts"), mdEscape(strings.Join(c.Stale, ", ")))
	}
	for _, f := range c.FollowUps {
		fmt.Fprintf(b, "- Follow-up: %s\n", f)
	}
}

func money(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

// mdEscape keeps a name from being read as Markdown: a client's name is
// data, not formatting.
func mdEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", "[", `\[`).Replace(s)
}

// HTML is the report as one self-contained page: inline style, no script,
// nothing fetched from the network.
func (r Report) HTML() (string, error) {
	var b bytes.Buffer
	err := page.Execute(&b, map[string]any{"R": r, "Date": r.At.Format("2006-01-02"), "NotBilled": money(r.Totals.NotBilledMonthly),
		"OverBilled": money(r.Totals.OverBilledMonthly), "InHand": signed(r.Totals.InHandMonthly)})
	return b.String(), err
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"n": plural.N,
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mspwire report, {{.Date}}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:60em;margin:2em auto;color:#222}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}td.n{text-align:right}.check{color:#a40000}</style></head>
<body><h1>mspwire report, {{.Date}}</h1>
<p>Profile {{.R.Profile}}. {{.NotBilled}} a month not billed, {{.OverBilled}} a month billed too much{{if .R.Totals.InHand}}; {{n .R.Totals.InHand "row" "rows"}} in hand ({{.InHand}} a month){{end}} ({{.R.In}}).{{if .R.Unmapped}} {{n .R.Unmapped "licence is" "licences are"}} billed with no Liongard environment linked.{{end}}</p>
{{if .R.Moved}}<h2>Since the last run</h2><ul>{{range .R.Moved}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{range .R.Clients}}<h2>{{.Name}}</h2>
{{range .Check}}<p class="check"><strong>Check the mapping:</strong> {{.}}</p>{{end}}
{{if .Licences}}<table><tr><th>Product</th><th>Counted</th><th>Billed</th><th>A month</th><th>Status</th></tr>
{{range .Licences}}<tr><td>{{.Product}}</td><td class="n">{{.Counted}}</td><td class="n">{{.Billed}}</td><td class="n">{{.Monthly}}</td><td>{{.Status}}</td></tr>
{{end}}</table>{{end}}
<ul>{{if or .ToSet .NoUser}}<li>Devices: {{n .ToSet "workstation" "workstations"}} whose asset's user is to set, {{n .NoUser "workstation" "workstations"}} whose last logon is no HaloPSA user</li>{{end}}
{{if .Stale}}<li>{{n (len .Stale) "stale account" "stale accounts"}}: {{range $i, $a := .Stale}}{{if $i}}, {{end}}{{$a}}{{end}}</li>{{end}}
{{range .FollowUps}}<li>Follow-up: {{.}}</li>{{end}}</ul>
{{end}}</body></html>
`))
