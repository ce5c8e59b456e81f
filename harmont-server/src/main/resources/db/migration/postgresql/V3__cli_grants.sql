-- One-time codes that sign a CLI in through the browser (RFC 8252 loopback + RFC 7636 PKCE).
-- Only the SHA-256 of a code is stored. A code is bound to the user who authorized it and to
-- the S256 challenge of a verifier only the CLI knows; it works once (used_at), for 5 minutes.

CREATE TABLE cli_grants (
    id              uuid PRIMARY KEY,
    code_hash       text NOT NULL UNIQUE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_challenge  text NOT NULL,
    client_name     text NOT NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);

CREATE INDEX cli_grants_user_expires ON cli_grants (user_id, expires_at);
