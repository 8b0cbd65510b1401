package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"
)

// ItemProduct is the operator's word on which product a HaloPSA item
// bills: "m365", "google_workspace" or "none".
type ItemProduct struct {
	ItemID    int       `json:"item_id"`
	ItemName  string    `json:"item_name"`
	Product   string    `json:"product"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

// ItemProducts are a profile's confirmed item mappings, by item id.
func (s *Store) ItemProducts(ctx context.Context, profile string) (map[int]ItemProduct, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT item_id, item_name, product, decided_by, decided_at FROM billing_items WHERE profile = ?", profile)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	out := map[int]ItemProduct{}
	for rows.Next() {
		var m ItemProduct
		var at string
		if err := rows.Scan(&m.ItemID, &m.ItemName, &m.Product, &m.DecidedBy, &at); err != nil {
			return nil, s.describe(err)
		}
		m.DecidedAt = parseTime(at)
		out[m.ItemID] = m
	}
	return out, s.describe(rows.Err())
}

// SaveItemProducts records item mappings in one transaction with one
// audit line.
func (s *Store) SaveItemProducts(ctx context.Context, profile string, ms []ItemProduct) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		detail := map[string]string{}
		for _, m := range ms {
			if m.DecidedAt.IsZero() {
				m.DecidedAt = time.Now()
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO billing_items(profile, item_id, item_name, product, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT(profile, item_id) DO UPDATE SET item_name = excluded.item_name, product = excluded.product,
				decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
				profile, m.ItemID, m.ItemName, m.Product, m.DecidedBy, formatTime(m.DecidedAt)); err != nil {
				return s.describe(err)
			}
			detail[m.ItemName] = m.Product
		}
		actor := "operator"
		if len(ms) > 0 {
			actor = ms[0].DecidedBy
		}
		return s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: actor, Event: "billing.items_mapped", Detail: map[string]any{"items": detail}})
	})
}

// LiongardMetric is a Liongard metric mspwire reads, found in Liongard's
// library or created by mspwire, by what it is for (Purpose: "m365",
// "google_workspace", "workstation_last_user", …).
type LiongardMetric struct {
	Purpose string    `json:"purpose"`
	ID      int       `json:"metric_id"`
	UUID    string    `json:"uuid"`
	Name    string    `json:"name"`
	Created bool      `json:"created"`
	FoundAt time.Time `json:"found_at"`
}

// LiongardMetrics are a profile's metrics by purpose.
func (s *Store) LiongardMetrics(ctx context.Context, profile string) (map[string]LiongardMetric, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT purpose, metric_id, uuid, name, created, found_at FROM liongard_metrics WHERE profile = ?", profile)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	out := map[string]LiongardMetric{}
	for rows.Next() {
		var m LiongardMetric
		var at string
		if err := rows.Scan(&m.Purpose, &m.ID, &m.UUID, &m.Name, &m.Created, &at); err != nil {
			return nil, s.describe(err)
		}
		m.FoundAt = parseTime(at)
		out[m.Purpose] = m
	}
	return out, s.describe(rows.Err())
}

// SaveLiongardMetric records the metric a purpose is read by, audited as
// found or created.
func (s *Store) SaveLiongardMetric(ctx context.Context, profile, actor string, m LiongardMetric) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if m.FoundAt.IsZero() {
			m.FoundAt = time.Now()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO liongard_metrics(profile, purpose, metric_id, uuid, name, created, found_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(profile, purpose) DO UPDATE SET metric_id = excluded.metric_id, uuid = excluded.uuid, name = excluded.name,
			created = excluded.created, found_at = excluded.found_at`,
			profile, m.Purpose, m.ID, m.UUID, m.Name, m.Created, formatTime(m.FoundAt)); err != nil {
			return s.describe(err)
		}
		event := "liongard.metric_found"
		if m.Created {
			event = "liongard.metric_created"
		}
		return s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: actor, Event: event,
			Detail: map[string]any{"purpose": m.Purpose, "metric_id": m.ID, "uuid": m.UUID, "name": m.Name}})
	})
}

// BillingChoice is what the operator chose for one client and product:
// fix by quantity or ticket, or ignore (with a reason) until the numbers
// it was made on change.
type BillingChoice struct {
	RowID     string    `json:"row_id"`
	Choice    string    `json:"choice"` // quantity, ticket, ignore
	Reason    string    `json:"reason,omitempty"`
	Counted   *int      `json:"counted"`
	Billed    *int      `json:"billed"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

// BillingChoices are a profile's choices by row id.
func (s *Store) BillingChoices(ctx context.Context, profile string) (map[string]BillingChoice, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT row_id, choice, reason, counted, billed, decided_by, decided_at FROM billing_choices WHERE profile = ?", profile)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	out := map[string]BillingChoice{}
	for rows.Next() {
		var c BillingChoice
		var counted, billed sql.NullInt64
		var at string
		if err := rows.Scan(&c.RowID, &c.Choice, &c.Reason, &counted, &billed, &c.DecidedBy, &at); err != nil {
			return nil, s.describe(err)
		}
		if counted.Valid {
			n := int(counted.Int64)
			c.Counted = &n
		}
		if billed.Valid {
			n := int(billed.Int64)
			c.Billed = &n
		}
		c.DecidedAt = parseTime(at)
		out[c.RowID] = c
	}
	return out, s.describe(rows.Err())
}

// SaveBillingChoices records choices for several rows in one transaction
// and one audit line: one command, one step.
// A choice of "" clears the row's choice.
func (s *Store) SaveBillingChoices(ctx context.Context, profile string, cs []BillingChoice) error {
	if len(cs) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var ids []string
		for _, c := range cs {
			if c.DecidedAt.IsZero() {
				c.DecidedAt = time.Now()
			}
			if c.Choice == "" { // cleared: the row has no fix chosen again
				if _, err := tx.ExecContext(ctx, "DELETE FROM billing_choices WHERE profile = ? AND row_id = ?", profile, c.RowID); err != nil {
					return s.describe(err)
				}
				ids = append(ids, c.RowID)
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO billing_choices(profile, row_id, choice, reason, counted, billed, decided_by, decided_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(profile, row_id) DO UPDATE SET choice = excluded.choice, reason = excluded.reason,
				counted = excluded.counted, billed = excluded.billed, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
				profile, c.RowID, c.Choice, c.Reason, c.Counted, c.Billed, c.DecidedBy, formatTime(c.DecidedAt)); err != nil {
				return s.describe(err)
			}
			ids = append(ids, c.RowID)
		}
		event := "billing." + cs[0].Choice
		if cs[0].Choice == "" {
			event = "billing.cleared"
		}
		return s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: cs[0].DecidedBy, Event: event,
			Detail: map[string]any{"rows": ids, "reason": cs[0].Reason}})
	})
}

// BillingSettings are a profile's tolerances per product (seats either
// way that still count as a match) and the ticket type and team billing
// tickets go to.
type BillingSettings struct {
	Tolerances   map[string]int `json:"tolerances"`
	TicketTypeID int            `json:"ticket_type_id"`
	TicketTeam   string         `json:"ticket_team"`
}

// BillingSettingsOf reads a profile's billing settings (defaults when none).
func (s *Store) BillingSettingsOf(ctx context.Context, profile string) (BillingSettings, error) {
	out := BillingSettings{Tolerances: map[string]int{}}
	var tol string
	err := s.db.QueryRowContext(ctx, "SELECT tolerances FROM billing_settings WHERE profile = ?", profile).Scan(&tol)
	switch {
	case err == nil:
		_ = json.Unmarshal([]byte(tol), &out.Tolerances)
	case err != sql.ErrNoRows:
		return out, s.describe(err)
	}
	t, err := s.TicketSettingsOf(ctx, profile, "billing")
	out.TicketTypeID, out.TicketTeam = t.TypeID, t.Team
	return out, err
}

// SaveBillingSettings replaces a profile's billing settings, audited.
func (s *Store) SaveBillingSettings(ctx context.Context, profile, actor string, b BillingSettings) error {
	tol, err := json.Marshal(b.Tolerances)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO billing_settings(profile, tolerances) VALUES (?, ?)
			ON CONFLICT(profile) DO UPDATE SET tolerances = excluded.tolerances`, profile, string(tol)); err != nil {
			return s.describe(err)
		}
		if err := s.saveTicketSettings(ctx, tx, profile, "billing", TicketSettings{TypeID: b.TicketTypeID, Team: b.TicketTeam}); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: actor, Event: "billing.settings",
			Detail: map[string]any{"tolerances": b.Tolerances, "ticket_type_id": b.TicketTypeID, "ticket_team": b.TicketTeam}})
	})
}

// TicketSettings are the HaloPSA ticket type (0: not chosen) and team a
// workflow's tickets get.
type TicketSettings struct {
	TypeID int    `json:"ticket_type_id"`
	Team   string `json:"team"`
}

// TicketSettingsOf reads a workflow's ticket settings ("billing",
// "stale_accounts").
func (s *Store) TicketSettingsOf(ctx context.Context, profile, purpose string) (TicketSettings, error) {
	var t TicketSettings
	err := s.db.QueryRowContext(ctx, "SELECT ticket_type_id, team FROM ticket_settings WHERE profile = ? AND purpose = ?", profile, purpose).Scan(&t.TypeID, &t.Team)
	if err == sql.ErrNoRows {
		return t, nil
	}
	return t, s.describe(err)
}

// SaveTicketSettings keeps a workflow's ticket settings, audited.
func (s *Store) SaveTicketSettings(ctx context.Context, profile, actor, purpose string, t TicketSettings) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.saveTicketSettings(ctx, tx, profile, purpose, t); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: actor, Event: purpose + ".ticket_settings",
			Detail: map[string]any{"ticket_type_id": t.TypeID, "team": t.Team}})
	})
}

func (s *Store) saveTicketSettings(ctx context.Context, tx *sql.Tx, profile, purpose string, t TicketSettings) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_settings(profile, purpose, ticket_type_id, team) VALUES (?, ?, ?, ?)
		ON CONFLICT(profile, purpose) DO UPDATE SET ticket_type_id = excluded.ticket_type_id, team = excluded.team`, profile, purpose, t.TypeID, t.Team)
	return s.describe(err)
}
