-- The security log: what happened to an account, written in the transaction of the change.
-- api_token_id names the key an event is about; no foreign key, the event outlives the key.

CREATE TABLE security_events (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    ip            TEXT,
    user_agent    TEXT,
    request_id    TEXT,
    api_token_id  TEXT
);

CREATE INDEX security_events_user_created ON security_events (user_id, created_at, id);
CREATE INDEX security_events_created ON security_events (created_at);
