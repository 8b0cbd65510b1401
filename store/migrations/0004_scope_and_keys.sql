-- mspwire's mark in the file header: another program's database is refused,
-- never migrated.
PRAGMA application_id = 1836281975;

-- Facts about this data directory. data_dir_id is part of every keyring
-- account, so two data directories never share a secret.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('data_dir_id', lower(hex(randomblob(8))));

-- A checklist item's key (rotation and step) makes adding it twice, as a
-- recovery after a crash does, a no-op.
ALTER TABLE checklist ADD COLUMN item_key TEXT;
CREATE UNIQUE INDEX checklist_item_key ON checklist(profile, item_key) WHERE item_key IS NOT NULL;
