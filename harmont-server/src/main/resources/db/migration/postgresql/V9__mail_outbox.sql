-- The durable mail outbox (issue 23): a message is inserted in the same transaction as the token it
-- carries, and a sender delivers it later, with retries, from whichever node leases it
-- (SELECT ... FOR UPDATE SKIP LOCKED: each message goes out from one node).
-- The message (recipient, subject, bodies) is stored AES-256-GCM sealed under the key key_id names:
-- the bodies carry one-time links. A sent row is deleted; a row given up keeps no body.

CREATE TABLE mail_outbox (
    id              uuid PRIMARY KEY,
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    lease_owner     text,
    lease_until     timestamptz,
    failed_at       timestamptz,
    last_error      text,
    key_id          text NOT NULL,
    sealed          bytea
);

CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE failed_at IS NULL;
