-- Every run of a recurring review (billing reconcile, devices map, accounts
-- stale, from any face) kept as a dated snapshot of its rows, so the next
-- run can say what is new, what changed and what got fixed since. Kept
-- until pruned (mspwire history prune).
CREATE TABLE workflow_runs (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    profile TEXT NOT NULL,
    kind    TEXT NOT NULL,
    at      TEXT NOT NULL,
    rows    TEXT NOT NULL CHECK (json_valid(rows))
);
CREATE INDEX workflow_runs_kind ON workflow_runs(profile, kind, id);
