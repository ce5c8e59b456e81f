-- Email links (issue 23): sign-up verification, recovery and invitations, by SHA-256 only.
-- A link works once (used_at is set when it is spent) until expires_at; rows are swept when
-- new links are made. A sign-up link names the email and name of the account to create; a
-- recovery or invitation link names its user. Instants are fixed-width UTC text, as in V1.

CREATE TABLE email_links (
    link_hash   TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL,
    email       TEXT NOT NULL,
    name        TEXT,
    user_id     TEXT REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

CREATE INDEX email_links_expires ON email_links (expires_at);

-- Requests to the `begin` endpoints, one row per limited key (SHA-256 of the client address
-- or of the target email) and request, whether or not a message went out: the hourly limit
-- counts them. Rows older than the window are swept as new ones come.
CREATE TABLE email_requests (
    key_hash    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE INDEX email_requests_key ON email_requests (key_hash, created_at);

-- A creation challenge made from an email link is bound to it (its hash): finalize must present
-- the same link.
ALTER TABLE passkey_challenges ADD COLUMN link_hash TEXT;
