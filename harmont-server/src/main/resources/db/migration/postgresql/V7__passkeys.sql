-- Passkeys (issue 22): discoverable WebAuthn credentials, public material only.
-- credential_id is unique across accounts: a credential belongs to one account only.

CREATE TABLE passkeys (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id   text NOT NULL UNIQUE,
    public_key      bytea NOT NULL,
    sign_count      bigint NOT NULL,
    aaguid          uuid NOT NULL,
    transports      text,
    uv_initialized  boolean NOT NULL,
    backup_eligible boolean NOT NULL,
    backed_up       boolean NOT NULL,
    user_handle     text NOT NULL,
    nickname        text NOT NULL,
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz
);

CREATE INDEX passkeys_user ON passkeys (user_id, created_at);

-- Challenges of the two ceremonies, by SHA-256 only; a row is deleted when it is used, so a
-- challenge works once. Expired rows are swept when new challenges are made.
CREATE TABLE passkey_challenges (
    id              uuid PRIMARY KEY,
    challenge_hash  text NOT NULL,
    purpose         text NOT NULL,
    user_id         uuid REFERENCES users (id) ON DELETE CASCADE,
    user_handle     text,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL
);

CREATE INDEX passkey_challenges_expires ON passkey_challenges (expires_at);

-- session.created says how the session started; passkey.* events name their passkey (no foreign
-- key: the event outlives the passkey).
ALTER TABLE security_events ADD COLUMN method text;
ALTER TABLE security_events ADD COLUMN passkey_id uuid;
