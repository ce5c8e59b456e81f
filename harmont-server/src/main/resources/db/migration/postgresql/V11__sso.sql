-- Single sign-on (issue 24): identities at OpenID Connect providers and GitHub, the sign-ins in
-- flight, and the one-time codes that hand a finished sign-in to the console. Secrets by SHA-256
-- only: the state, the browser binding cookie and the hand-off code; the PKCE verifier and the
-- nonce are derived from the browser's cookie and never stored.

-- An identity is (issuer, subject), linked to one account; the address is what the provider said
-- when it was linked or last used (shown in the console; it never moves the identity).
CREATE TABLE sso_identities (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider      text NOT NULL,
    issuer        text NOT NULL,
    subject       text NOT NULL,
    email         text,
    linked_at     timestamptz NOT NULL,
    last_used_at  timestamptz,
    UNIQUE (issuer, subject)
);

CREATE INDEX sso_identities_user ON sso_identities (user_id, linked_at);

-- Sign-ins started and not yet finished: 10 minutes, deleted when used (works once).
CREATE TABLE sso_states (
    state_hash    text PRIMARY KEY,
    browser_hash  text NOT NULL,
    provider      text NOT NULL,
    return_to     text NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);

CREATE INDEX sso_states_expires ON sso_states (expires_at);

-- Finished sign-ins waiting for the console to redeem them: one minute, deleted when used.
CREATE TABLE sso_results (
    code_hash     text PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider      text NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);

CREATE INDEX sso_results_expires ON sso_results (expires_at);

-- session.created and identity.* events name the provider (its display name).
ALTER TABLE security_events ADD COLUMN provider text;
