-- The last read-only preflight of a profile's vendor routes (mspwire
-- doctor --api): the routes that failed, as JSON, so an apply of a plan
-- kind that stands on one refuses to start until a preflight passes.
CREATE TABLE preflight (
    profile TEXT PRIMARY KEY,
    at      TEXT NOT NULL,
    failed  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(failed))
);
