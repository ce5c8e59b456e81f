-- Users, their personal organizations, and bearer tokens (by hash only).
-- Kept within what CockroachDB and YugabyteDB accept.

CREATE TABLE organizations (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE users (
    id               uuid PRIMARY KEY,
    email            text NOT NULL UNIQUE,
    name             text,
    personal_org_id  uuid REFERENCES organizations (id),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('personal', 'session')),
    token_hash    text NOT NULL UNIQUE,
    description   text,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz,
    last_used_at  timestamptz
);

CREATE INDEX api_tokens_user_kind_created ON api_tokens (user_id, kind, created_at);
