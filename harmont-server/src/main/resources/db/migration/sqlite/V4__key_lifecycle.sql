-- Key lifecycle: the hint shown to tell keys apart, and rotation with a grace period.
-- hint: last 4 characters of the current secret (NULL for keys minted before checksummed secrets).
-- rotated_at: when the current secret replaced an earlier one (the lifetime a rotation grants
-- again is expires_at - COALESCE(rotated_at, created_at)).
-- previous_hash / previous_hash_ends_at: the replaced secret's SHA-256, accepted until then.

ALTER TABLE api_tokens ADD COLUMN hint TEXT;
ALTER TABLE api_tokens ADD COLUMN rotated_at TEXT;
ALTER TABLE api_tokens ADD COLUMN previous_hash TEXT;
ALTER TABLE api_tokens ADD COLUMN previous_hash_ends_at TEXT;

CREATE UNIQUE INDEX api_tokens_previous_hash ON api_tokens (previous_hash);
