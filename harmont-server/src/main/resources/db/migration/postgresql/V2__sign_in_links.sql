-- One-time sign-in links for the web console (`harmont admin sign-in-link`), by hash only.
-- A row is deleted when it is redeemed, so a link works once; expired rows are swept when new
-- links are made.

CREATE TABLE sign_in_links (
    code_hash   text PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);

CREATE INDEX sign_in_links_expires ON sign_in_links (expires_at);
