-- Idempotency-Key records: a POST retried with the same key gets its first answer again instead
-- of running twice, for 24 hours (expires_at). Nothing here is a secret in clear:
-- scope_hash: SHA-256 of the credential presented (the bearer secret; for the POSTs without a
--   bearer, the request body, which carries the code); key_hash: SHA-256 of the Idempotency-Key.
-- request_hash: SHA-256 of method, path and body, so a key reused for another request is refused.
-- status IS NULL while the first request runs (pending); then its answer: status, content_type,
--   request_id and the body sealed with AES-256-GCM (body_nonce: its 12-byte nonce) under a key
--   derived from the raw credential and the raw Idempotency-Key, neither of which is stored.
-- user_id: the caller when known, so that deleting the account deletes its records.
-- Ids are UUID text; instants are fixed-width UTC text, as in V1.

CREATE TABLE idempotency_records (
    scope_hash    TEXT NOT NULL,
    key_hash      TEXT NOT NULL,
    user_id       TEXT REFERENCES users (id) ON DELETE CASCADE,
    request_hash  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    status        INTEGER,
    content_type  TEXT,
    request_id    TEXT,
    body_nonce    BLOB,
    body_sealed   BLOB,
    PRIMARY KEY (scope_hash, key_hash)
);

CREATE INDEX idempotency_records_expires ON idempotency_records (expires_at);
CREATE INDEX idempotency_records_user ON idempotency_records (user_id);
