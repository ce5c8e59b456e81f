-- The durable mail outbox (issue 23): a message is inserted in the same transaction as the token it
-- carries, and a sender delivers it later, with retries, from whichever node leases it.
-- The message (recipient, subject, bodies) is stored AES-256-GCM sealed under the key key_id names:
-- the bodies carry one-time links. A sent row is deleted; a row given up keeps no body.
-- Instants are fixed-width UTC text, as in V1.

CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_owner     TEXT,
    lease_until     TEXT,
    failed_at       TEXT,
    last_error      TEXT,
    key_id          TEXT NOT NULL,
    sealed          BLOB
);

CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE failed_at IS NULL;
