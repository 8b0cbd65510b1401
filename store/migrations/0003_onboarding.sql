-- The onboarding of one profile: the questionnaire, the path, the source
-- of truth and, for path B, the IT Glue filters Liongard will use.
CREATE TABLE onboarding (
    profile          TEXT PRIMARY KEY REFERENCES profiles(name) ON DELETE CASCADE,
    answers          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),
    recommended      TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    path             TEXT NOT NULL DEFAULT '' CHECK (path IN ('', 'A', 'B', 'C')),
    source           TEXT NOT NULL DEFAULT '' CHECK (source IN ('', 'halopsa', 'itglue')),
    itglue_statuses  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(itglue_statuses)),
    itglue_types     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(itglue_types)),
    updated_at       TEXT NOT NULL
);

-- Inventories fetched from each system: the companies to match.
CREATE TABLE records (
    profile     TEXT NOT NULL,
    system      TEXT NOT NULL,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    domain      TEXT NOT NULL DEFAULT '',
    inactive    INTEGER NOT NULL DEFAULT 0,
    extra       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra)),
    fetched_at  TEXT NOT NULL,
    PRIMARY KEY (profile, system, external_id)
);

-- Steps of the path the operator ticked, or mspwire saw done.
CREATE TABLE steps (
    profile TEXT NOT NULL,
    step    TEXT NOT NULL,
    done_at TEXT NOT NULL,
    how     TEXT NOT NULL DEFAULT 'ticked',
    PRIMARY KEY (profile, step)
);
