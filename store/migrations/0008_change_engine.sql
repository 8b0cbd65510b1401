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
