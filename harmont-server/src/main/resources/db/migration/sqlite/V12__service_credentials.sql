-- Service credentials (issue 26): what a service presents to introspect tokens. The secret is
-- stored as its SHA-256 only; hint is its last 4 characters. A revoked credential keeps its row
-- (and its name) so that logs and listings keep meaning one service.
CREATE TABLE service_credentials (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    secret_hash   TEXT NOT NULL UNIQUE,
    hint          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT,
    last_used_at  TEXT
);
