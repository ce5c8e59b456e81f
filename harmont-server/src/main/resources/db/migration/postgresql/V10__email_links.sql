-- Email links (issue 23): sign-up verification, recovery and invitations, by SHA-256 only.
-- A link works once (used_at is set when it is spent) until expires_at; rows are swept when
-- new links are made. A sign-up link names the email and name of the account to create; a
-- recovery or invitation link names its user.

CREATE TABLE email_links (
    link_hash   text PRIMARY KEY,
    purpose     text NOT NULL,
    email       text NOT NULL,
    name        text,
    user_id     uuid REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);

CREATE INDEX email_links_expires ON email_links (expires_at);

-- Requests to the `begin` endpoints, one row per limited key (SHA-256 of the client address
-- or of the target email) and request, whether or not a message went out: the hourly limit
-- counts them. Rows older than the window are swept as new ones come.
CREATE TABLE email_requests (
    key_hash    text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE INDEX email_requests_key ON email_requests (key_hash, created_at);

-- A creation challenge made from an email link is bound to it (its hash): finalize must present
-- the same link.
ALTER TABLE passkey_challenges ADD COLUMN link_hash text;
