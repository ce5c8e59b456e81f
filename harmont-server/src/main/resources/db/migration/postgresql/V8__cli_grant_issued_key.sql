-- The key a CLI grant's code was exchanged for, so that a replayed code can revoke it (OAuth 2.0
-- Security BCP, RFC 9700 section 4.5: a code used twice was leaked). Cleared once it has been
-- revoked that way; no foreign key: the key may be revoked by its owner first.
ALTER TABLE cli_grants ADD COLUMN api_token_id uuid;
