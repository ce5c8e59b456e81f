-- The security log: what happened to an account, written in the transaction of the change.
-- api_token_id names the key an event is about; no foreign key, the event outlives the key.

CREATE TABLE security_events (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type          text NOT NULL,
    created_at    timestamptz NOT NULL,
    ip            text,
    user_agent    text,
    request_id    text,
    api_token_id  uuid
);

CREATE INDEX security_events_user_created ON security_events (user_id, created_at, id);
CREATE INDEX security_events_created ON security_events (created_at);
