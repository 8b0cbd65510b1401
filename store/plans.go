package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The journal's columns have types of their own, so a kind is never
// passed where a state or a key is wanted. flows/change names the plan and
// action kinds and builds the keys; the store only keeps them.
type (
	// PlanKind is the workflow that made a plan: onboarding, billing, ….
	PlanKind string
	// ActionKind is what an action does: create, link, set_quantity, ….
	ActionKind string
	// ActionKey is the same in every plan that wants the same change, so a
	// later plan skips what an earlier one did.
	ActionKey string
	// ActionState is where an action's call stands.
	ActionState string
)

// Action states. An action is written in_flight before its call is sent
// and done, failed or skipped after, so a killed run knows which calls
// may have landed.
const (
	ActionPending  ActionState = "pending"
	ActionInFlight ActionState = "in_flight"
	ActionDone     ActionState = "done"
	ActionFailed   ActionState = "failed"
	ActionSkipped  ActionState = "skipped"
)

// ActionStates are the states in the order a run moves through them.
var ActionStates = []ActionState{ActionPending, ActionInFlight, ActionDone, ActionFailed, ActionSkipped}

// Ends says whether a state is an action's last: done, failed or skipped.
func (s ActionState) Ends() bool { return s == ActionDone || s == ActionFailed || s == ActionSkipped }

// Plan is a stored plan.
type Plan struct {
	ID          int64             `json:"plan_id"`
	Kind        PlanKind          `json:"kind"`
	Profile     string            `json:"profile"`
	Path        string            `json:"path"`
	Source      string            `json:"source"`
	Inputs      map[string]string `json:"inputs"` // part -> digest of what the plan was made from
	Notes       []string          `json:"notes"`  // what the plan leaves out, and why
	CreatedBy   string            `json:"created_by"`
	CreatedAt   time.Time         `json:"created_at"`
	ConfirmedBy string            `json:"confirmed_by,omitempty"`
	ConfirmedAt *time.Time        `json:"confirmed_at,omitempty"`
	FinishedAt  *time.Time        `json:"finished_at,omitempty"`
}

// Action is one sync action of a plan.
type Action struct {
	ID         int64           `json:"id"`
	PlanID     int64           `json:"-"`
	Seq        int             `json:"seq"`
	Kind       ActionKind      `json:"kind"`
	System     string          `json:"system"`
	Target     string          `json:"target"`
	Key        ActionKey       `json:"key"`
	Summary    string          `json:"summary"`
	Warnings   []string        `json:"warnings,omitempty"` // what the operator should know before confirming
	Payload    json.RawMessage `json:"payload"`
	Depends    []ActionKey     `json:"depends,omitempty"` // keys of actions of the same plan
	State      ActionState     `json:"state"`
	Attempts   int             `json:"attempts"`
	ExternalID string          `json:"external_id,omitempty"`
	Error      string          `json:"error,omitempty"`
	// UpdatedAt is when its state was last written: for one in flight,
	// when its call was about to be sent.
	UpdatedAt time.Time `json:"-"`
}

// ErrNoPlan means the profile has no plan yet.
var ErrNoPlan = errors.New("no plan yet: run mspwire plan")

// SavePlan stores a plan and its actions in one transaction, with an
// audit line, and returns the plan's id.
func (s *Store) SavePlan(ctx context.Context, p Plan, actions []Action) (int64, error) {
	if err := s.EnsureProfile(ctx, p.Profile); err != nil {
		return 0, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.describe(err)
	}
	defer tx.Rollback()
	inputs, _ := json.Marshal(p.Inputs)
	notes, _ := json.Marshal(nonNilStrings(p.Notes))
	now := formatTime(time.Now())
	if p.Kind == "" {
		return 0, errors.New("a plan needs a kind")
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO plans(kind, profile, path, source, inputs, notes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Kind, p.Profile, p.Path, p.Source, string(inputs), string(notes), p.CreatedBy, now)
	if err != nil {
		return 0, s.describe(err)
	}
	id, _ := res.LastInsertId()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO plan_actions(plan_id, seq, kind, system, target, key, summary, warnings, payload, depends, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, s.describe(err)
	}
	defer stmt.Close()
	kinds := map[ActionKind]int{}
	for i, a := range actions {
		payload := a.Payload
		if len(payload) == 0 {
			payload = json.RawMessage("{}")
		}
		deps, _ := json.Marshal(nonNilSlice(a.Depends))
		warnings, _ := json.Marshal(nonNilStrings(a.Warnings))
		if _, err := stmt.ExecContext(ctx, id, i+1, a.Kind, a.System, a.Target, a.Key, a.Summary, string(warnings), string(payload), string(deps), now); err != nil {
			return 0, s.describe(err)
		}
		kinds[a.Kind]++
	}
	if err := s.audit(ctx, tx, AuditEntry{Profile: p.Profile, Actor: p.CreatedBy, Event: "plan.made",
		Detail: map[string]any{"plan_id": id, "kind": p.Kind, "path": p.Path, "actions": len(actions), "kinds": kinds}}); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, s.describe(err)
	}
	return id, nil
}

const planColumns = `id, kind, profile, path, source, inputs, notes, created_by, created_at, confirmed_by, confirmed_at, finished_at`

func (s *Store) scanPlan(r scanner) (Plan, error) {
	var p Plan
	var inputs, notes, created string
	var confirmed, finished sql.NullString
	if err := r.Scan(&p.ID, &p.Kind, &p.Profile, &p.Path, &p.Source, &inputs, &notes, &p.CreatedBy, &created, &p.ConfirmedBy, &confirmed, &finished); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return p, ErrNoPlan
		}
		return p, s.describe(err)
	}
	_ = json.Unmarshal([]byte(inputs), &p.Inputs)
	_ = json.Unmarshal([]byte(notes), &p.Notes)
	p.CreatedAt = parseTime(created)
	if t := parseTime(confirmed.String); !t.IsZero() {
		p.ConfirmedAt = &t
	}
	if t := parseTime(finished.String); !t.IsZero() {
		p.FinishedAt = &t
	}
	return p, nil
}

// LatestPlan reads the profile's newest plan.
func (s *Store) LatestPlan(ctx context.Context, profile string) (Plan, error) {
	return s.scanPlan(s.db.QueryRowContext(ctx, "SELECT "+planColumns+" FROM plans WHERE profile = ? ORDER BY id DESC LIMIT 1", profile))
}

// PlanByID reads one of the profile's plans.
func (s *Store) PlanByID(ctx context.Context, profile string, id int64) (Plan, error) {
	p, err := s.scanPlan(s.db.QueryRowContext(ctx, "SELECT "+planColumns+" FROM plans WHERE profile = ? AND id = ?", profile, id))
	if errors.Is(err, ErrNoPlan) {
		return p, fmt.Errorf("no plan %d in profile %q: mspwire plan --json shows the latest", id, profile)
	}
	return p, err
}

const actionColumns = `id, plan_id, seq, kind, system, target, key, summary, warnings, payload, depends, state, attempts, external_id, error, updated_at`

// Actions reads a plan's actions in order.
func (s *Store) Actions(ctx context.Context, planID int64) ([]Action, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+actionColumns+" FROM plan_actions WHERE plan_id = ? ORDER BY seq", planID)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		var a Action
		var payload, deps, warnings, updated string
		if err := rows.Scan(&a.ID, &a.PlanID, &a.Seq, &a.Kind, &a.System, &a.Target, &a.Key, &a.Summary, &warnings, &payload, &deps,
			&a.State, &a.Attempts, &a.ExternalID, &a.Error, &updated); err != nil {
			return nil, s.describe(err)
		}
		a.UpdatedAt = parseTime(updated)
		a.Payload = json.RawMessage(payload)
		_ = json.Unmarshal([]byte(deps), &a.Depends)
		_ = json.Unmarshal([]byte(warnings), &a.Warnings)
		out = append(out, a)
	}
	return out, rows.Err()
}

// MadeSinceFetch lists the done actions of a kind (the creates) in a
// system that ended after the system's inventory was last fetched: records
// the inventory does not hold yet. (Doctor reads them with the inventory,
// so that right after an apply it sees what the apply made.)
func (s *Store) MadeSinceFetch(ctx context.Context, profile, system string, kind ActionKind) ([]Action, error) {
	var fetched string
	err := s.db.QueryRowContext(ctx, "SELECT fetched_at FROM records WHERE profile = ? AND system = ? LIMIT 1", profile, system).Scan(&fetched)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, s.describe(err)
	}
	since := parseTime(fetched)
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.plan_id, a.seq, a.kind, a.system, a.key, a.payload, a.external_id, a.updated_at
		FROM plan_actions a JOIN plans p ON p.id = a.plan_id
		WHERE p.profile = ? AND a.system = ? AND a.kind = ? AND a.state = 'done' AND a.external_id != '' ORDER BY a.id`, profile, system, kind)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		var a Action
		var payload, updated string
		if err := rows.Scan(&a.ID, &a.PlanID, &a.Seq, &a.Kind, &a.System, &a.Key, &payload, &a.ExternalID, &updated); err != nil {
			return nil, s.describe(err)
		}
		// Times are compared parsed: RFC 3339 with trimmed fractions does
		// not sort as text.
		if parseTime(updated).After(since) {
			a.Payload, a.State = json.RawMessage(payload), ActionDone
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

// DoneKeys maps the keys of every action done in the profile's plans of
// a kind, but the plan except, to the id of the record each made or
// changed: what a new plan need not do again.
func (s *Store) DoneKeys(ctx context.Context, profile string, kind PlanKind, except int64) (map[ActionKey]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.key, a.external_id FROM plan_actions a JOIN plans p ON p.id = a.plan_id
		WHERE p.profile = ? AND p.kind = ? AND a.state = 'done' AND p.id != ? ORDER BY a.id`, profile, kind, except)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	out := map[ActionKey]string{}
	for rows.Next() {
		var key ActionKey
		var ext string
		if err := rows.Scan(&key, &ext); err != nil {
			return nil, s.describe(err)
		}
		out[key] = ext
	}
	return out, rows.Err()
}

// InFlight lists the profile's plans with actions a killed run left in
// flight: calls that may have landed, not yet looked up.
func (s *Store) InFlight(ctx context.Context, profile string) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT a.plan_id FROM plan_actions a JOIN plans p ON p.id = a.plan_id
		WHERE p.profile = ? AND a.state = 'in_flight' ORDER BY a.plan_id`, profile)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.describe(err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ConfirmPlan records who confirmed the plan, and when, once.
func (s *Store) ConfirmPlan(ctx context.Context, p Plan, actor string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.describe(err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "UPDATE plans SET confirmed_by = ?, confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL",
		actor, formatTime(time.Now()), p.ID)
	if err != nil {
		return s.describe(err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		if err := s.audit(ctx, tx, AuditEntry{Profile: p.Profile, Actor: actor, Event: "plan.confirmed",
			Detail: map[string]any{"plan_id": p.ID}}); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return s.describe(err)
	}
	return nil
}

// ActionUpdate is a change of one action's state.
type ActionUpdate struct {
	ID         int64
	State      ActionState
	ExternalID string // kept when empty
	Error      string
	Attempted  bool // count an attempt: the call is about to be sent
}

// UpdateActions writes state changes of a plan's actions in one
// transaction, with an audit line for each action that ends (done, failed
// or skipped). A caller writes in_flight before sending and the outcome
// after; nothing else is needed to resume.
func (s *Store) UpdateActions(ctx context.Context, p Plan, actor string, updates []ActionUpdate) error {
	if len(updates) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.describe(err)
	}
	defer tx.Rollback()
	now := formatTime(time.Now())
	for _, u := range updates {
		attempts := 0
		if u.Attempted {
			attempts = 1
		}
		var key, kind, system, summary, ext string
		err := tx.QueryRowContext(ctx, `UPDATE plan_actions SET state = ?, attempts = attempts + ?, error = ?,
			external_id = CASE WHEN ? = '' THEN external_id ELSE ? END, updated_at = ?
			WHERE id = ? AND plan_id = ? RETURNING key, kind, system, summary, external_id`,
			u.State, attempts, u.Error, u.ExternalID, u.ExternalID, now, u.ID, p.ID).Scan(&key, &kind, &system, &summary, &ext)
		if err != nil {
			return s.describe(err)
		}
		if u.State == ActionPending || u.State == ActionInFlight {
			continue
		}
		detail := map[string]any{"plan_id": p.ID, "plan_kind": p.Kind, "action": u.ID, "key": key, "kind": kind, "system": system, "summary": summary}
		if ext != "" {
			detail["external_id"] = ext
		}
		if u.Error != "" {
			detail["error"] = u.Error
		}
		if err := s.audit(ctx, tx, AuditEntry{Profile: p.Profile, Actor: actor, Event: "action." + string(u.State), Detail: detail}); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return s.describe(err)
	}
	return nil
}

// FinishPlan marks a plan whose every action ended, with an audit line of
// the totals.
func (s *Store) FinishPlan(ctx context.Context, p Plan, actor string, counts map[string]int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.describe(err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "UPDATE plans SET finished_at = ? WHERE id = ? AND finished_at IS NULL", formatTime(time.Now()), p.ID)
	if err != nil {
		return s.describe(err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		detail := map[string]any{"plan_id": p.ID}
		for k, v := range counts {
			detail[strings.ReplaceAll(k, "-", "_")] = v
		}
		if err := s.audit(ctx, tx, AuditEntry{Profile: p.Profile, Actor: actor, Event: "plan.finished", Detail: detail}); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return s.describe(err)
	}
	return nil
}

// ReopenPlan clears a plan's finish, for a retry of its failed actions.
func (s *Store) ReopenPlan(ctx context.Context, p Plan) error {
	if _, err := s.db.ExecContext(ctx, "UPDATE plans SET finished_at = NULL WHERE id = ?", p.ID); err != nil {
		return s.describe(err)
	}
	return nil
}
