-- Passkeys (issue 22): discoverable WebAuthn credentials, public material only.
-- credential_id is unique across accounts: a credential belongs to one account only.
-- Instants are fixed-width UTC text and booleans 0/1, as in V1.

CREATE TABLE passkeys (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id   TEXT NOT NULL UNIQUE,
    public_key      BLOB NOT NULL,
    sign_count      INTEGER NOT NULL,
    aaguid          TEXT NOT NULL,
    transports      TEXT,
    uv_initialized  INTEGER NOT NULL,
    backup_eligible INTEGER NOT NULL,
    backed_up       INTEGER NOT NULL,
    user_handle     TEXT NOT NULL,
    nickname        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    last_used_at    TEXT
);

CREATE INDEX passkeys_user ON passkeys (user_id, created_at);

-- Challenges of the two ceremonies, by SHA-256 only; a row is deleted when it is used, so a
-- challenge works once. Expired rows are swept when new challenges are made.
CREATE TABLE passkey_challenges (
    id              TEXT PRIMARY KEY,
    challenge_hash  TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    user_id         TEXT REFERENCES users (id) ON DELETE CASCADE,
    user_handle     TEXT,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);

CREATE INDEX passkey_challenges_expires ON passkey_challenges (expires_at);

-- session.created says how the session started; passkey.* events name their passkey (no foreign
-- key: the event outlives the passkey).
ALTER TABLE security_events ADD COLUMN method TEXT;
ALTER TABLE security_events ADD COLUMN passkey_id TEXT;
