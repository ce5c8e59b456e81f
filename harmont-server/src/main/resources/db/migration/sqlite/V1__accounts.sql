-- Users, their personal organizations, and bearer tokens (by hash only).
-- Ids are UUID text; instants are fixed-width UTC text (yyyy-mm-ddThh:mm:ss.ffffffZ) so that
-- text comparison is time comparison.

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE,
    name             TEXT,
    personal_org_id  TEXT REFERENCES organizations (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('personal', 'session')),
    token_hash    TEXT NOT NULL UNIQUE,
    description   TEXT,
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    last_used_at  TEXT
);

CREATE INDEX api_tokens_user_kind_created ON api_tokens (user_id, kind, created_at);
