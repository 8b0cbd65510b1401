-- Billing reconciliation: which HaloPSA items bill which product (the
-- operator's call, made once), the Liongard metrics mspwire found or made
-- to count users, and per client and product what the operator chose:
-- a fix (set the quantity, open a ticket) or ignore until the numbers
-- change. Tolerances per product live beside them.
CREATE TABLE billing_items (
    profile    TEXT NOT NULL,
    item_id    INTEGER NOT NULL,
    item_name  TEXT NOT NULL,
    product    TEXT NOT NULL CHECK (product IN ('m365', 'google_workspace', 'none')),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (profile, item_id)
);

CREATE TABLE billing_metrics (
    profile    TEXT NOT NULL,
    product    TEXT NOT NULL,
    metric_id  INTEGER NOT NULL,
    uuid       TEXT NOT NULL,
    name       TEXT NOT NULL,
    created    INTEGER NOT NULL, -- 1: mspwire created it; 0: found in Liongard's library
    found_at   TEXT NOT NULL,
    PRIMARY KEY (profile, product)
);

CREATE TABLE billing_choices (
    profile    TEXT NOT NULL,
    row_id     TEXT NOT NULL,            -- "<client id>:<product>"
    choice     TEXT NOT NULL CHECK (choice IN ('quantity', 'ticket', 'ignore')),
    reason     TEXT NOT NULL DEFAULT '',
    counted    INTEGER,                  -- the numbers the choice was made on:
    billed     INTEGER,                  -- an ignore ends when they change
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (profile, row_id)
);

CREATE TABLE billing_settings (
    profile    TEXT NOT NULL PRIMARY KEY,
    tolerances TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tolerances)) -- product -> seats either way
);
