-- Settings the plan needs that the questionnaire does not ask: the tier and
-- group of Liongard environments mspwire creates, and the ids of Hudu's
-- HaloPSA and Liongard integrations (the numbers in their pages' URLs).
ALTER TABLE onboarding ADD COLUMN settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings));

-- A plan: the sync actions made from the inventories and decisions whose
-- fingerprint it keeps, and who confirmed it.
CREATE TABLE plans (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    profile      TEXT NOT NULL,
    path         TEXT NOT NULL,
    source       TEXT NOT NULL,
    inputs       TEXT NOT NULL CHECK (json_valid(inputs)), -- part -> digest
    notes        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(notes)),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    confirmed_by TEXT NOT NULL DEFAULT '',
    confirmed_at TEXT,
    finished_at  TEXT
);
CREATE INDEX plans_profile ON plans(profile, id);

-- The journal: each action's state is written before its HTTP call
-- (in_flight) and after it, so a run killed at any moment resumes without
-- sending anything twice. key is the same in every plan that wants the
-- same change, so a later plan skips what an earlier one did.
CREATE TABLE plan_actions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id     INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    system      TEXT NOT NULL,
    target      TEXT NOT NULL,
    key         TEXT NOT NULL,
    summary     TEXT NOT NULL,
    payload     TEXT NOT NULL CHECK (json_valid(payload)),
    depends     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(depends)), -- keys of actions of the same plan
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_flight', 'done', 'failed', 'skipped')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    external_id TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL,
    UNIQUE (plan_id, key)
);
CREATE INDEX plan_actions_state ON plan_actions(plan_id, state);
CREATE INDEX plan_actions_key ON plan_actions(key, state);
