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

// CountingMetric is the Liongard metric that counts a product's users,
// found in Liongard's library or created by mspwire.
type CountingMetric struct {
	Product string    `json:"product"`
	ID      int       `json:"metric_id"`
	UUID    string    `json:"uuid"`
	Name    string    `json:"name"`
	Created bool      `json:"created"`
	FoundAt time.Time `json:"found_at"`
}

// CountingMetrics are a profile's metrics by product.
func (s *Store) CountingMetrics(ctx context.Context, profile string) (map[string]CountingMetric, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT product, metric_id, uuid, name, created, found_at FROM billing_metrics WHERE profile = ?", profile)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	out := map[string]CountingMetric{}
	for rows.Next() {
		var m CountingMetric
		var at string
		if err := rows.Scan(&m.Product, &m.ID, &m.UUID, &m.Name, &m.Created, &at); err != nil {
			return nil, s.describe(err)
		}
		m.FoundAt = parseTime(at)
		out[m.Product] = m
	}
	return out, s.describe(rows.Err())
}

// SaveCountingMetric records the metric a product is counted by, audited
// as found or created.
func (s *Store) SaveCountingMetric(ctx context.Context, profile, actor string, m CountingMetric) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if m.FoundAt.IsZero() {
			m.FoundAt = time.Now()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO billing_metrics(profile, product, metric_id, uuid, name, created, found_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(profile, product) DO UPDATE SET metric_id = excluded.metric_id, uuid = excluded.uuid, name = excluded.name,
			created = excluded.created, found_at = excluded.found_at`,
			profile, m.Product, m.ID, m.UUID, m.Name, m.Created, formatTime(m.FoundAt)); err != nil {
			return s.describe(err)
		}
		event := "billing.metric_found"
		if m.Created {
			event = "billing.metric_created"
		}
		return s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: actor, Event: event,
			Detail: map[string]any{"product": m.Product, "metric_id": m.ID, "uuid": m.UUID, "name": m.Name}})
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
			if _, err := tx.ExecContext(ctx, `INSERT INTO billing_choices(profile, row_id, choice, reason, counted, billed, decided_by, decided_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(profile, row_id) DO UPDATE SET choice = excluded.choice, reason = excluded.reason,
				counted = excluded.counted, billed = excluded.billed, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
				profile, c.RowID, c.Choice, c.Reason, c.Counted, c.Billed, c.DecidedBy, formatTime(c.DecidedAt)); err != nil {
				return s.describe(err)
			}
			ids = append(ids, c.RowID)
		}
		return s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: cs[0].DecidedBy, Event: "billing." + cs[0].Choice,
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
	err := s.db.QueryRowContext(ctx, "SELECT tolerances, ticket_type_id, ticket_team FROM billing_settings WHERE profile = ?", profile).
		Scan(&tol, &out.TicketTypeID, &out.TicketTeam)
	if err == sql.ErrNoRows {
		return out, nil
	}
	if err != nil {
		return out, s.describe(err)
	}
	_ = json.Unmarshal([]byte(tol), &out.Tolerances)
	return out, nil
}

// SaveBillingSettings replaces a profile's billing settings, audited.
func (s *Store) SaveBillingSettings(ctx context.Context, profile, actor string, b BillingSettings) error {
	tol, err := json.Marshal(b.Tolerances)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO billing_settings(profile, tolerances, ticket_type_id, ticket_team) VALUES (?, ?, ?, ?)
			ON CONFLICT(profile) DO UPDATE SET tolerances = excluded.tolerances, ticket_type_id = excluded.ticket_type_id, ticket_team = excluded.ticket_team`,
			profile, string(tol), b.TicketTypeID, b.TicketTeam); err != nil {
			return s.describe(err)
		}
		return s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: actor, Event: "billing.settings",
			Detail: map[string]any{"tolerances": b.Tolerances, "ticket_type_id": b.TicketTypeID, "ticket_team": b.TicketTeam}})
	})
}
