package report

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/store"
)

// Gather reads billing, devices and stale accounts (accounts idle over
// days) as their twins do. With keep, each is a kept run compared with the
// one before (what a report says moved); without, nothing is kept.
func Gather(ctx context.Context, e onboard.Env, days int, at time.Time, keep bool) (Inputs, error) {
	ctx = httpx.WithReadMemo(ctx) // the three read the same clients, users and environments
	in := Inputs{At: at, Profile: e.Profile, Since: map[string]history.SinceLast{}}
	var err error
	if in.Billing, _, err = billing.Build(ctx, e); err != nil {
		return in, err
	}
	if in.Devices, _, err = devices.Build(ctx, e); err != nil {
		return in, err
	}
	if in.Accounts, _, err = accounts.Build(ctx, e, days); err != nil {
		return in, err
	}
	if !keep {
		return in, nil
	}
	for kind, rows := range map[string][]history.Row{history.Billing: billing.HistoryRows(in.Billing), history.Devices: devices.HistoryRows(in.Devices),
		history.AccountsKind(days): accounts.HistoryRows(in.Accounts)} {
		if in.Since[kind], _, err = history.Record(ctx, e.Store, e.Profile, kind, rows); err != nil {
			return in, err
		}
	}
	return in, nil
}

// FindClient finds a HaloPSA client by id, by its exact name (any case), or
// by the only name that holds the words given; a client with nothing in
// any review is found by its links. Not found, it says the clients the
// words could mean.
func FindClient(r Report, ds []store.Decision, name string) (Client, bool, []string) {
	name = strings.TrimSpace(name)
	clients := map[string]Client{}
	for _, c := range r.Clients {
		clients[c.ID] = c
	}
	for _, d := range ds {
		if d.Left.System == "halopsa" {
			if _, ok := clients[d.Left.ID]; !ok {
				clients[d.Left.ID] = Client{ID: d.Left.ID, Name: d.Left.Name}
			}
		}
	}
	var partial []Client
	for _, c := range clients {
		if c.ID == name || strings.EqualFold(c.Name, name) {
			return c, true, nil
		}
		if strings.Contains(strings.ToLower(c.Name), strings.ToLower(name)) {
			partial = append(partial, c)
		}
	}
	if len(partial) == 1 {
		return partial[0], true, nil
	}
	var names []string
	for _, c := range partial {
		names = append(names, fmt.Sprintf("%s (%s)", c.Name, c.ID))
	}
	sort.Strings(names)
	return Client{}, false, names
}

// Page is one client across the three reviews, then its links in every
// system the review decided: what an engineer opens before a call with
// that customer.
func Page(c Client, ds []store.Decision) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(c.Markdown(), "\n"))
	b.WriteString("\n\nLinks (the review):\n")
	linked := false
	for _, d := range ds {
		if d.Left.System != "halopsa" || d.Left.ID != c.ID {
			continue
		}
		linked = true
		right := "nothing"
		if d.Right.ID != "" {
			right = fmt.Sprintf("%s %s (%s)", adapter.InfoOf(d.Right.System).Name, d.Right.Name, d.Right.ID)
		}
		fmt.Fprintf(&b, "- %s: %s, %s\n", d.Pair, right, d.Label())
	}
	if !linked {
		b.WriteString("- none decided in the review\n")
	}
	return b.String()
}

// ClientPage reads the three reviews (keeping no run) and finds one client
// in them by its id or name: its page, or why none was found.
func ClientPage(ctx context.Context, e onboard.Env, name string) (string, error) {
	in, err := Gather(ctx, e, accounts.DefaultDays, time.Now(), false)
	if err != nil {
		return "", err
	}
	ds, err := e.Store.Decisions(ctx, e.Profile, "")
	if err != nil {
		return "", err
	}
	c, ok, others := FindClient(Build(in), ds, name)
	if !ok {
		if len(others) > 0 {
			return "", fmt.Errorf("%q names %d clients: %s; give more of the name, or its id", name, len(others), strings.Join(others, ", "))
		}
		return "", fmt.Errorf("no HaloPSA client named %q in the review or the reviews", name)
	}
	return Page(c, ds), nil
}
