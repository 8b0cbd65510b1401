-- The Liongard metrics mspwire counts by are not billing's alone: devices
-- and stale accounts read metrics too. One table, keyed by what the metric
-- is for ("m365", "google_workspace", "workstation_last_user", …).
ALTER TABLE billing_metrics RENAME TO liongard_metrics;
ALTER TABLE liongard_metrics RENAME COLUMN product TO purpose;

-- The HaloPSA ticket type and team each workflow's tickets get (billing,
-- stale accounts), chosen once and kept.
CREATE TABLE ticket_settings (
    profile        TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    ticket_type_id INTEGER NOT NULL,
    team           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (profile, purpose)
);
