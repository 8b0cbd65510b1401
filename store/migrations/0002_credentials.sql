-- What a connection's credentials were last verified to act as ("API agent
-- 'Liongard API'", "Hudu 2.44.0"): shown by auth status, never a secret.
ALTER TABLE connections ADD COLUMN acts_as TEXT NOT NULL DEFAULT '';

-- Steps an operator must do by hand after a rotation (paste the new secret
-- into another vendor's console), ticked off one by one.
CREATE TABLE checklist (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    profile    TEXT NOT NULL,
    system     TEXT NOT NULL,
    reason     TEXT NOT NULL,  -- e.g. "rotation 2026-11-27T19:20:00Z"
    item       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    done_at    TEXT
);
CREATE INDEX checklist_open ON checklist(profile, done_at);
