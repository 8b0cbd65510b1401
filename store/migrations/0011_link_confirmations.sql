-- A HaloPSA client's link to a Liongard environment that the evidence
-- doubted (account domains, a site, an environment linked twice) and the
-- operator confirmed all the same. Keyed by the pair: re-mapping either
-- side leaves the confirmation behind, unused.
CREATE TABLE link_confirmations (
    profile        TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    evidence       TEXT NOT NULL DEFAULT '',
    confirmed_by   TEXT NOT NULL,
    confirmed_at   TEXT NOT NULL,
    PRIMARY KEY (profile, client_id, environment_id)
);
