-- One-time codes that sign a CLI in through the browser (RFC 8252 loopback + RFC 7636 PKCE).
-- Only the SHA-256 of a code is stored. A code is bound to the user who authorized it and to
-- the S256 challenge of a verifier only the CLI knows; it works once (used_at), for 5 minutes.
-- Ids are UUID text; instants are fixed-width UTC text, as in V1.

CREATE TABLE cli_grants (
    id              TEXT PRIMARY KEY,
    code_hash       TEXT NOT NULL UNIQUE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_challenge  TEXT NOT NULL,
    client_name     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT
);

CREATE INDEX cli_grants_user_expires ON cli_grants (user_id, expires_at);
