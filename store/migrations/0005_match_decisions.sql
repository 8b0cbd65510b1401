-- The review: one row per record of the source of truth and per system pair
-- ("halopsa:liongard"), holding the suggestion and the operator's decision.
-- right_id is '' when nothing is suggested, or the record is to be created
-- or ignored. A human decision is never replaced by a new suggestion: a
-- record it names that vanished or was renamed is marked stale instead.
CREATE TABLE match_decisions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    profile      TEXT NOT NULL,
    pair         TEXT NOT NULL,
    left_system  TEXT NOT NULL,
    left_id      TEXT NOT NULL,
    left_name    TEXT NOT NULL,
    right_system TEXT NOT NULL,
    right_id     TEXT NOT NULL DEFAULT '',
    right_name   TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL CHECK (state IN ('suggested', 'accepted', 'rejected', 'remapped', 'create', 'ignore')),
    score        REAL NOT NULL DEFAULT 0,
    band         TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    candidates   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(candidates)),
    duplicate    TEXT NOT NULL DEFAULT '',
    stale        TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TEXT,
    updated_at   TEXT NOT NULL,
    UNIQUE (profile, pair, left_id)
);
CREATE INDEX match_decisions_state ON match_decisions(profile, pair, state);

-- What each operator action changed, row by row, so it can be undone —
-- also from another run: undo is "the last action", not "this session's".
CREATE TABLE match_undo (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    profile     TEXT NOT NULL,
    action      INTEGER NOT NULL,
    decision_id INTEGER NOT NULL,
    before      TEXT NOT NULL CHECK (json_valid(before))
);
CREATE INDEX match_undo_action ON match_undo(profile, action);
