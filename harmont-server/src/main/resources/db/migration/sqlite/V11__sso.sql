-- Single sign-on (issue 24): identities at OpenID Connect providers and GitHub, the sign-ins in
-- flight, and the one-time codes that hand a finished sign-in to the console. Secrets by SHA-256
-- only: the state, the browser binding cookie and the hand-off code; the PKCE verifier and the
-- nonce are derived from the browser's cookie and never stored.

-- SQLite: ids and instants are TEXT, as in V1.
-- An identity is (issuer, subject), linked to one account; the address is what the provider said
-- when it was linked or last used (shown in the console; it never moves the identity).
CREATE TABLE sso_identities (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider      TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    email         TEXT,
    linked_at     TEXT NOT NULL,
    last_used_at  TEXT,
    UNIQUE (issuer, subject)
);

CREATE INDEX sso_identities_user ON sso_identities (user_id, linked_at);

-- Sign-ins started and not yet finished: 10 minutes, deleted when used (works once).
CREATE TABLE sso_states (
    state_hash    TEXT PRIMARY KEY,
    browser_hash  TEXT NOT NULL,
    provider      TEXT NOT NULL,
    return_to     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);

CREATE INDEX sso_states_expires ON sso_states (expires_at);

-- Finished sign-ins waiting for the console to redeem them: one minute, deleted when used.
CREATE TABLE sso_results (
    code_hash     TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);

CREATE INDEX sso_results_expires ON sso_results (expires_at);

-- session.created and identity.* events name the provider (its display name).
ALTER TABLE security_events ADD COLUMN provider TEXT;
