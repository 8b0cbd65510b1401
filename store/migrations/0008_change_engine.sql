-- Every plan has a kind: the workflow that made it (onboarding, billing,
-- devices, stale_accounts). Plans made before kinds existed were all
-- onboarding plans.
ALTER TABLE plans ADD COLUMN kind TEXT NOT NULL DEFAULT 'onboarding';
CREATE INDEX plans_profile_kind ON plans(profile, kind, id);

-- One apply at a time per profile: the process applying a plan holds its
-- lease and renews the heartbeat while it runs. Another apply is refused
-- while the holder lives; a lease whose holder is gone (its pid dead on
-- this host, or no heartbeat for a minute) is taken over.
CREATE TABLE apply_leases (
    profile      TEXT PRIMARY KEY,
    plan_id      INTEGER NOT NULL,
    pid          INTEGER NOT NULL,
    host         TEXT NOT NULL,
    token        TEXT NOT NULL, -- tells two holders with the same pid apart
    started_at   TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);

-- What the operator should know about an action before confirming it
-- ("Hudu already has a company of that name"), as a JSON array.
ALTER TABLE plan_actions ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings));

-- Connections may be to any system an adapter is registered for: the
-- store names no vendor (0001 listed the four). SQLite changes a CHECK by
-- rebuilding the table.
CREATE TABLE connections_new (
    profile     TEXT NOT NULL REFERENCES profiles(name) ON DELETE CASCADE,
    system      TEXT NOT NULL CHECK (system <> ''),
    base_url    TEXT NOT NULL,
    identifiers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(identifiers)),
    keyring_ref TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    verified_at TEXT,
    rotated_at  TEXT,
    acts_as     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (profile, system)
);
INSERT INTO connections_new (profile, system, base_url, identifiers, keyring_ref, created_at, verified_at, rotated_at, acts_as)
    SELECT profile, system, base_url, identifiers, keyring_ref, created_at, verified_at, rotated_at, acts_as FROM connections;
DROP TABLE connections;
ALTER TABLE connections_new RENAME TO connections;
