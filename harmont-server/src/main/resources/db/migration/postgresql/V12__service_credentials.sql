-- Service credentials (issue 26): what a service presents to introspect tokens. The secret is
-- stored as its SHA-256 only; hint is its last 4 characters. A revoked credential keeps its row
-- (and its name) so that logs and listings keep meaning one service.
CREATE TABLE service_credentials (
    id            uuid PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    secret_hash   text NOT NULL UNIQUE,
    hint          text NOT NULL,
    created_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);
