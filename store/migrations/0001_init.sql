-- Profiles: one MSP tenant each.
CREATE TABLE profiles (
    name       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);

-- Connections: how to reach one system for one profile. Never a secret:
-- identifiers holds non-secret ids (client id, tenant, key id, region) as JSON,
-- keyring_ref names the OS keyring entry that holds the secret.
CREATE TABLE connections (
    profile     TEXT NOT NULL REFERENCES profiles(name) ON DELETE CASCADE,
    system      TEXT NOT NULL CHECK (system IN ('halopsa', 'liongard', 'itglue', 'hudu')),
    base_url    TEXT NOT NULL,
    identifiers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(identifiers)),
    keyring_ref TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    verified_at TEXT,
    rotated_at  TEXT,
    PRIMARY KEY (profile, system)
);

-- Audit: append-only. The triggers make "append-only" a property of the file,
-- not a promise of the code.
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    profile TEXT NOT NULL,
    actor   TEXT NOT NULL,
    event   TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);
CREATE INDEX audit_profile_at ON audit(profile, at);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit is append-only');
END;
