// Package devices maps each Windows workstation Liongard inspects to its
// HaloPSA asset and to the HaloPSA user who last logged on to it, and
// proposes, as plans of kind devices, setting that user on the asset. A
// technician working a ticket then sees whose laptop it is.
package devices

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/linkcheck"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/signins"
	"github.com/mspwire/mspwire/store"
)

// Status is what mapping one workstation found.
type Status string

// The statuses, in report order.
const (
	CheckMapping Status = "check_mapping" // the evidence doubts the environment's link to the client: nothing is set until checked
	ToSet        Status = "to_set"        // the asset has no user: set it
	Differs      Status = "differs"       // the asset has another user: set it only when asked (--replace)
	NoAsset      Status = "no_asset"      // HaloPSA has no asset of that hostname in the client
	NoUser       Status = "no_user"       // HaloPSA has no user for the last logon
	Unmapped     Status = "unmapped"      // the review links the environment to no client
	OK           Status = "ok"            // the asset holds its last user
)

// Statuses lists every status in report order.
var Statuses = []Status{CheckMapping, ToSet, Differs, NoAsset, NoUser, Unmapped, OK}

// ParseStatus reads a status as filters take it.
func ParseStatus(s string) (Status, bool) {
	for _, x := range Statuses {
		if string(x) == strings.ToLower(strings.TrimSpace(s)) {
			return x, true
		}
	}
	return "", false
}

// Words is the status as a person reads it.
func (s Status) Words() string { return strings.ReplaceAll(string(s), "_", " ") }

// Ref names a record of a system.
type Ref = store.RecordRef

// Asset is the HaloPSA asset a workstation is, with its users now.
type Asset struct {
	ID    int      `json:"id"`
	Name  string   `json:"name"`
	Users []string `json:"users"`
	ids   []int
}

// User is the HaloPSA user a last logon is.
type User struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Login string `json:"login"`
}

// Row is one workstation.
type Row struct {
	ID          string `json:"id"` // "<liongard system id>", stable
	Client      *Ref   `json:"client"`
	Environment Ref    `json:"environment"`
	Device      Ref    `json:"device"`
	Asset       *Asset `json:"asset"`
	LastUser    string `json:"last_user"`
	User        *User  `json:"user"`
	Status      Status `json:"status"`
	Why         string `json:"why"`
	// InspectedAt is when Liongard last inspected the workstation: a last
	// logon months old may name someone who has left.
	InspectedAt *time.Time `json:"inspected_at"`
}

// MaxAge is how old an inspection may be before a row warns of it: the
// age billing trusts a count for.
const MaxAge = 30 * 24 * time.Hour

// Report is a mapping.
type Report struct {
	Rows     []Row          `json:"rows"`
	ByStatus map[Status]int `json:"by_status"`
}

// Metric reads each workstation's name and last logon. No source names
// the dataprint key of the last logon for certain (api-facts-ops §B.3,
// open question 1): ComputerSystem.UserName is Windows' own
// Win32_ComputerSystem field for it; check it on a real dataprint.
var Metric = metrics.Spec{Purpose: "workstation_last_user", Inspector: "Windows Workstation",
	Name: "mspwire: Windows Workstation last user", Query: "{host: SystemInfo.CSName, user: ComputerSystem.UserName}"}

// Inputs are what a mapping reads.
type Inputs struct {
	Clients map[string]Ref // Liongard environment id -> HaloPSA client, as the review decided
	Values  []liongard.MetricValue
	Assets  []halopsa.Asset
	Users   []halopsa.User
	Metric  metrics.Found
	Now     time.Time                // zero: the time of Map
	Links   linkcheck.Result         // the evidence against each link; the zero Result doubts none
	SignIns map[string]metrics.Found // the sign-in metrics the link check reads, by purpose
}

func (in Inputs) now() time.Time {
	if in.Now.IsZero() {
		return time.Now()
	}
	return in.Now
}

// Read gathers a mapping's inputs.
func Read(ctx context.Context, e onboard.Env) (Inputs, error) {
	var in Inputs
	o, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return in, err
	}
	if in.Clients, err = review.ClientsOf(ctx, e.Store, e.Profile, o.Source); err != nil {
		return in, err
	}
	lg, err := e.Liongard(ctx)
	if err != nil {
		return in, err
	}
	found, err := metrics.Ensure(ctx, e.Store, e.Profile, lg, Metric)
	if err != nil {
		return in, err
	}
	in.Metric = found[Metric.Purpose]
	// The accounts' sign-ins are the evidence for the link check: read in
	// the same evaluation as the workstations.
	if in.SignIns, err = signins.Ensure(ctx, e, lg); err != nil {
		return in, err
	}
	if in.Values, err = lg.EvaluateMetrics(ctx, append([]string{in.Metric.UUID}, signins.Keys(in.SignIns)...)); err != nil {
		return in, fmt.Errorf("reading Liongard's workstations: %w", err)
	}
	halo, err := e.HaloPSA(ctx)
	if err != nil {
		return in, err
	}
	if in.Assets, err = halo.ListAssets(ctx, 0); err != nil {
		return in, fmt.Errorf("reading HaloPSA's assets: %w", err)
	}
	if in.Users, err = halo.ListUsers(ctx, 0); err != nil {
		return in, fmt.Errorf("reading HaloPSA's users: %w", err)
	}
	ev, err := linkcheck.Read(ctx, e, in.Users, signins.Found{Values: in.Values, Metrics: in.SignIns}.Accounts())
	if err != nil {
		return in, err
	}
	in.Links = linkcheck.Check(ev)
	return in, nil
}

// Map matches each workstation to its asset (by hostname against the
// inventory number or key field, within the client, any case) and its
// last logon to a user of the client (a UPN against email or login,
// DOMAIN\sam against login).
func Map(in Inputs) Report {
	assets := map[string][]halopsa.Asset{} // client id -> assets
	for _, a := range in.Assets {
		if !a.Inactive {
			assets[strconv.Itoa(a.ClientID)] = append(assets[strconv.Itoa(a.ClientID)], a)
		}
	}
	users := map[string][]halopsa.User{}
	for _, u := range in.Users {
		if !u.Inactive {
			users[strconv.Itoa(u.ClientID)] = append(users[strconv.Itoa(u.ClientID)], u)
		}
	}
	rep := Report{ByStatus: map[Status]int{}}
	for _, v := range in.Values {
		if in.Metric.ID != 0 && v.MetricID != in.Metric.ID {
			continue // the link check's sign-ins
		}
		host, last := readValue(v)
		r := Row{ID: strconv.Itoa(v.SystemID), Environment: Ref{System: "liongard", ID: strconv.Itoa(v.EnvironmentID), Name: v.EnvironmentName},
			Device: Ref{System: "liongard", ID: strconv.Itoa(v.SystemID), Name: host}, LastUser: last}
		client, mapped := in.Clients[r.Environment.ID]
		switch {
		case !mapped:
			r.Status, r.Why = Unmapped, "the review links "+v.EnvironmentName+" to no HaloPSA client: decide it in the review" // each face says how
		case host == "":
			c := client
			r.Client = &c
			r.Status, r.Why = NoAsset, "Liongard's inspection has no hostname"
		default:
			c := client
			c.Name = in.Links.Name(c)
			r.Client = &c
			r.classify(assets[client.ID], users[client.ID])
			if d, doubted := in.Links.Of(c.ID, r.Environment.ID); doubted {
				r.Status, r.Why = CheckMapping, d.String()
			}
		}
		if at := v.InspectedAt(); !at.IsZero() {
			r.InspectedAt = &at
			if age := in.now().Sub(at); age > MaxAge && (r.Status == ToSet || r.Status == Differs) {
				r.Why += fmt.Sprintf("; the inspection is %s old (over 30 days): run the inspector in Liongard before setting it", plural.N(int(age.Hours()/24), "day", "days"))
			}
		}
		rep.Rows = append(rep.Rows, r)
		rep.ByStatus[r.Status]++
	}
	order := map[Status]int{}
	for i, s := range Statuses {
		order[s] = i
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		a, b := rep.Rows[i], rep.Rows[j]
		if order[a.Status] != order[b.Status] {
			return order[a.Status] < order[b.Status]
		}
		if a.Environment.Name != b.Environment.Name {
			return a.Environment.Name < b.Environment.Name
		}
		return a.Device.Name < b.Device.Name
	})
	return rep
}

func (r *Row) classify(assets []halopsa.Asset, users []halopsa.User) {
	for _, a := range assets {
		if strings.EqualFold(a.InventoryNumber, r.Device.Name) || strings.EqualFold(a.KeyField, r.Device.Name) {
			x := &Asset{ID: a.ID, Name: a.InventoryNumber, Users: []string{}}
			if x.Name == "" {
				x.Name = a.KeyField
			}
			for _, u := range a.Users {
				x.Users, x.ids = append(x.Users, u.Name), append(x.ids, u.ID)
			}
			r.Asset = x
			break
		}
	}
	u, why := matchUser(r.LastUser, users)
	if u != nil {
		r.User = &User{ID: u.ID, Name: u.Name, Email: u.EmailAddress, Login: u.Login}
	}
	switch {
	case r.Asset == nil:
		r.Status, r.Why = NoAsset, "HaloPSA has no asset named "+r.Device.Name+" in "+r.Client.Name
	case r.LastUser == "":
		r.Status, r.Why = NoUser, "Liongard's inspection names no last logon"
	case r.User == nil:
		r.Status, r.Why = NoUser, "no HaloPSA user of "+r.Client.Name+" is "+r.LastUser+" ("+why+")"
	case len(r.Asset.ids) == 0:
		r.Status, r.Why = ToSet, "the asset has no user; last logon "+why
	case has(r.Asset.ids, r.User.ID):
		r.Status, r.Why = OK, "the asset holds its last user ("+why+")"
	default:
		r.Status, r.Why = Differs, "the asset has "+strings.Join(r.Asset.Users, ", ")+"; the last logon is "+r.User.Name+" ("+why+")"
	}
}

// matchUser finds the user a Windows logon names: a UPN against email
// address or login, DOMAIN\sam (or a bare sam) against login, any case.
func matchUser(logon string, users []halopsa.User) (*halopsa.User, string) {
	logon = strings.TrimSpace(logon)
	if strings.Contains(logon, "@") {
		for i, u := range users {
			if strings.EqualFold(u.EmailAddress, logon) {
				return &users[i], "UPN " + logon + " = email address"
			}
		}
		for i, u := range users {
			if strings.EqualFold(u.Login, logon) {
				return &users[i], "UPN " + logon + " = login"
			}
		}
		return nil, "no user has that email address or login"
	}
	_, sam, found := strings.Cut(logon, `\`)
	if !found {
		sam = logon
	}
	for i, u := range users {
		login := u.Login
		if _, s, ok := strings.Cut(login, `\`); ok {
			login = s
		}
		if sam != "" && strings.EqualFold(login, sam) {
			return &users[i], logon + " = login " + u.Login
		}
	}
	return nil, "no user has the login " + sam
}

// readValue reads the metric's {host, user} (either may be missing).
func readValue(v liongard.MetricValue) (host, user string) {
	m, _ := v.Value.(map[string]any)
	host, _ = m["host"].(string)
	user, _ = m["user"].(string)
	if host == "" {
		host = strings.TrimPrefix(v.FriendlyName, "Windows Workstation - ")
	}
	return strings.TrimSpace(host), strings.TrimSpace(user)
}

func has(ids []int, id int) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Open says how many rows a plan would set (with replace, differs too).
func (r Report) Open(replace bool) int {
	n := r.ByStatus[ToSet]
	if replace {
		n += r.ByStatus[Differs]
	}
	return n
}

// Build reads and maps.
func Build(ctx context.Context, e onboard.Env) (Report, Inputs, error) {
	in, err := Read(ctx, e)
	if err != nil {
		return Report{}, in, err
	}
	return Map(in), in, nil
}

// HistoryRows are the report's rows as a kept run compares them: open
// while an asset's user is to set, another's, or the link is in doubt.
func HistoryRows(rep Report) []history.Row {
	out := make([]history.Row, 0, len(rep.Rows))
	for _, r := range rep.Rows {
		users := ""
		if r.Asset != nil {
			users = strings.Join(r.Asset.Users, ", ")
		}
		out = append(out, history.Row{ID: r.ID, Open: r.Status == ToSet || r.Status == Differs || r.Status == CheckMapping, Status: string(r.Status),
			Values: map[string]string{"last logon": r.LastUser, "asset users": users}})
	}
	return out
}
