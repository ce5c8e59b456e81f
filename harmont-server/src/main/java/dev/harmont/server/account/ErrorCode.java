package dev.harmont.server.account;

import java.util.Locale;

/**
 * The whole error catalog: every code the service can answer with, its HTTP status, its stable type
 * and its default message. Upstream Harmont's codes ({@link #ACCOUNT_HAS_BILLING_HISTORY}, {@link
 * #API_TOKEN_NOT_FOUND}, {@link #USER_NAME_INVALID}) keep upstream's exact status, type and message
 * so existing clients keep working; every other code is ours and documented in our OpenAPI
 * document. Rendering the envelope is left to the HTTP layer.
 */
public enum ErrorCode {
  // Upstream codes: status, type and message are part of the wire contract. Do not edit.
  ACCOUNT_HAS_BILLING_HISTORY(
      409,
      "conflict",
      "This account can't be deleted while it has billing history (redeemed coupons, created"
          + " coupons, or Stripe checkouts).",
      "Settle or remove the billing history first. This server keeps no billing records, so it"
          + " never answers with this code; it is listed for compatibility with upstream."),
  API_TOKEN_NOT_FOUND(
      404,
      "not_found",
      "No such API key. It may have already been revoked; reload and try again.",
      "List your keys (GET /api/v0/user/api-tokens) and use one of the ids shown. Unknown,"
          + " malformed, already revoked and other users' ids all answer this way on purpose."),
  USER_NAME_INVALID(
      422,
      "invalid_request",
      "Display name must be between 1 and 255 characters.",
      "Send {\"name\": \"...\"} with 1 to 255 characters (Unicode code points) after trimming"
          + " surrounding white space, and no control characters."),
  // Upstream's passkey codes (issue 22).
  PASSKEY_CHALLENGE_INVALID(
      400,
      "invalid_request",
      "This passkey prompt has expired. Try again.",
      "Ask for new options (POST /api/v0/auth/passkey/login/options or .../register/options) and"
          + " finalize within 5 minutes. A challenge works once, for the purpose it was made for"
          + " and, when adding a passkey, for the user who asked; unknown, used, expired and"
          + " mismatched challenges all answer this way."),
  PASSKEY_ASSERTION_FAILED(
      400,
      "invalid_request",
      "That passkey signature could not be verified. Try signing in again.",
      "Sign in again from the console at the server's public address (its host name, not an IP"
          + " address). Every failed check of an assertion (origin, relying party, signature,"
          + " signature counter, malformed data) answers this way, on purpose."),
  PASSKEY_REGISTRATION_FAILED(
      400,
      "invalid_request",
      "We couldn't register that passkey. Try again.",
      "Add the passkey again from the console's Passkeys section, at the server's public address."
          + " The authenticator must create a discoverable credential with ES256, EdDSA or"
          + " RS256."),
  PASSKEY_UNKNOWN_CREDENTIAL(
      400,
      "invalid_request",
      "This passkey is not registered.",
      "The passkey was removed, or was made for another server. Sign in another way (an API key"
          + " or a sign-in link) and add a passkey again; then remove the stale one from your"
          + " device."),
  PASSKEY_USER_VERIFICATION_REQUIRED(
      400,
      "invalid_request",
      "Your device must verify it's you (PIN, biometric) to use this passkey.",
      "Set up a screen lock, PIN or biometric on the authenticator and try again: passkeys here"
          + " always require user verification."),
  PASSKEY_LAST_CREDENTIAL(
      409,
      "conflict",
      "You can't remove your last sign-in method.",
      "Add another passkey first, then remove this one. A lost device is replaced through email"
          + " recovery, or by signing in with an API key and adding a new passkey."),
  PASSKEY_NOT_FOUND(
      404,
      "not_found",
      "No such passkey. It may have already been removed; reload and try again.",
      "List your passkeys (GET /api/v0/user/passkeys) and use one of the uuids shown. Unknown,"
          + " malformed, removed and other users' ids all answer this way on purpose."),

  // Ours.
  UNAUTHORIZED(
      401,
      "unauthorized",
      "Missing or invalid bearer token.",
      "Send `Authorization: Bearer <token>` with a live API key. Keys that were revoked, expired"
          + " or belong to a deleted account no longer authenticate; create a new one."),
  API_TOKEN_DESCRIPTION_INVALID(
      422,
      "invalid_request",
      "Field `description` must be a string of at most 255 characters without control"
          + " characters.",
      "Send a shorter description (at most 255 Unicode code points after trimming, unless the"
          + " operator set another limit), without control characters, or leave it out."),
  API_TOKEN_LIMIT_REACHED(
      409,
      "conflict",
      "You have reached the maximum number of live API keys.",
      "Revoke keys you no longer use (DELETE /api/v0/user/api-tokens/{id}), then create the new"
          + " one. Expired keys do not count. The limit is 100 unless the operator set another."),
  API_TOKEN_EXPIRES_AT_INVALID(
      422,
      "invalid_request",
      "Field `expires_at` must be null or an RFC 3339 date-time with an offset, such as"
          + " 2030-01-01T00:00:00Z.",
      "Send an RFC 3339 date-time string with seconds and a time zone offset (Z or +hh:mm), or"
          + " null for a key that never expires."),
  API_TOKEN_EXPIRES_AT_NOT_IN_FUTURE(
      422,
      "invalid_request",
      "Field `expires_at` must be in the future.",
      "Send an expiry later than the current time, or null for a key that never expires."),
  FIELD_TYPE_INVALID(
      422,
      "invalid_request",
      "A field has the wrong JSON type.",
      "Send each field with the JSON type the API reference gives; numbers and booleans are not"
          + " converted to strings."),
  EMAIL_INVALID(
      422,
      "invalid_request",
      "The email address is not valid.",
      "Give an address of the form name@example.org, at most 254 characters."),
  EMAIL_TAKEN(
      409,
      "conflict",
      "A user with this email address already exists.",
      "Use another address, or issue a new key for the existing user with `harmont admin"
          + " issue-key`."),
  USER_NOT_FOUND(
      404,
      "not_found",
      "No user has this email address.",
      "Check the address, or create the user."),
  BODY_INVALID_JSON(
      400,
      "invalid_request",
      "The request body is not valid JSON.",
      "Send one well-formed UTF-8 JSON document: no trailing data, no duplicate keys, nesting at"
          + " most 32 levels deep."),
  BODY_NOT_OBJECT(
      400,
      "invalid_request",
      "The request body must be a JSON object.",
      "Wrap the fields in an object, for example {\"name\": \"Ada\"}."),
  UNSUPPORTED_MEDIA_TYPE(
      415,
      "invalid_request",
      "Send the request body as `Content-Type: application/json`.",
      "Set the header `Content-Type: application/json` (UTF-8). With curl, add"
          + " -H 'Content-Type: application/json'."),
  PAYLOAD_TOO_LARGE(
      413,
      "invalid_request",
      "The request body is too large.",
      "Request bodies are limited (64 KiB by default); the API's bodies are far smaller than"
          + " that."),
  HEADERS_TOO_LARGE(
      431,
      "invalid_request",
      "The request headers are too large.",
      "Send fewer or shorter headers (16 KiB in all by default)."),
  BAD_REQUEST(
      400,
      "invalid_request",
      "The HTTP request is malformed.",
      "Send a well-formed HTTP/1.1 request."),
  ROUTE_NOT_FOUND(
      404,
      "not_found",
      "No such endpoint.",
      "Check the path against the API reference, served at /api/v0/openapi.json."),
  METHOD_NOT_ALLOWED(
      405,
      "invalid_request",
      "This endpoint does not support this method.",
      "Use one of the methods listed in the `Allow` response header."),
  RATE_LIMITED(
      429,
      "rate_limited",
      "Too many failed authentications from your address. Retry after the time in the"
          + " `Retry-After` header.",
      "Check the API key your client sends: it is refused. Wait the number of seconds in"
          + " `Retry-After` before trying again."),
  CORS_ORIGIN_NOT_ALLOWED(
      403,
      "forbidden",
      "This origin may not call the API from a browser.",
      "Ask the operator to add your origin to HARMONT_CORS_ORIGINS, or call the API from a"
          + " server."),
  // Sign-in for the web console: sessions and one-time sign-in links.
  SIGN_IN_LINK_INVALID(
      400,
      "invalid_request",
      "This sign-in link is invalid, already used or expired.",
      "A sign-in link works once, within 15 minutes. Ask the operator for a new one (`harmont"
          + " admin sign-in-link --email …`), or sign in with an API key. Unknown, used and"
          + " expired links all answer this way on purpose."),
  SESSION_REFRESH_NOT_ALLOWED(
      403,
      "forbidden",
      "A session token cannot start another session. Sign in again with an API key or a"
          + " sign-in link.",
      "Send a personal API key as the bearer token. A session is never extended: it ends at its"
          + " `expires_at`, so a stolen session token cannot be kept alive."),
  SESSION_TTL_INVALID(
      422,
      "invalid_request",
      "A session must last from 1 minute to 30 days.",
      "Ask for a session lifetime from 1 minute to 30 days (the server's --session-ttl and"
          + " `harmont admin issue-session --ttl-hours` both keep within these bounds)."),
  // Key lifecycle: rotation and the security log (issue 14).
  API_TOKEN_GRACE_PERIOD_INVALID(
      422,
      "invalid_request",
      "Field `grace_period_seconds` must be an integer from 0 to 86400.",
      "Send how many seconds the replaced secret keeps working, from 0 (it stops at once) to"
          + " 86400 (one day), or leave the field out for 0."),
  API_TOKEN_ROTATION_CONFLICT(
      409,
      "conflict",
      "This API key was rotated by another request at the same time. List your keys and try"
          + " again.",
      "Two rotations of one key raced and the other one won: its new secret is the live one. If"
          + " you did not start it, revoke the key."),
  API_TOKEN_EXPIRED(
      409,
      "conflict",
      "This API key has expired and cannot be rotated. Create a new key instead.",
      "Create a new key (POST /api/v0/user/api-tokens); revoke the expired one if you like."),
  EVENTS_LIMIT_INVALID(
      422,
      "invalid_request",
      "Query parameter `limit` must be an integer from 1 to 200.",
      "Send limit=1 to limit=200, or leave it out for 50."),
  EVENTS_CURSOR_INVALID(
      400,
      "invalid_request",
      "Query parameter `before` must be the `next` cursor of a previous page.",
      "Pass the `next` value of the page you got, unchanged, or leave `before` out for the newest"
          + " events."),
  // CLI sign-in through the browser (harmont login --web): grants and their exchange.
  CLI_GRANT_INVALID(
      400,
      "invalid_request",
      "The sign-in code is invalid, expired, already used, or does not match the code verifier.",
      "Run `harmont login --web` again: a code works once, for 5 minutes, and only with the code"
          + " verifier of the CLI that asked for it. Every failure answers this way on purpose, so"
          + " that codes cannot be probed."),
  CLI_GRANT_CODE_CHALLENGE_INVALID(
      422,
      "invalid_request",
      "Field `code_challenge` must be the 43-character base64url SHA-256 of a code verifier"
          + " (RFC 7636, S256).",
      "Send BASE64URL(SHA256(code_verifier)) without padding: exactly 43 characters of A-Z, a-z,"
          + " 0-9, `-` and `_`."),
  CLI_GRANT_CODE_CHALLENGE_METHOD_INVALID(
      422,
      "invalid_request",
      "Field `code_challenge_method` must be `S256`.",
      "Send \"code_challenge_method\": \"S256\". The `plain` method of RFC 7636 is not accepted:"
          + " it would put the verifier itself in the browser's address bar."),
  CLI_GRANT_CLIENT_NAME_INVALID(
      422,
      "invalid_request",
      "Field `client_name` must be 1 to 100 characters without control characters.",
      "Send a short name for the client, such as \"harmont CLI on my-laptop\"; it becomes the"
          + " description of the API key the CLI receives."),
  CLI_GRANT_REDIRECT_URI_INVALID(
      422,
      "invalid_request",
      "Field `redirect_uri` must be a loopback address: http://127.0.0.1:PORT/PATH,"
          + " http://[::1]:PORT/PATH or http://localhost:PORT/PATH.",
      "A CLI receives its code on a port of its own machine (RFC 8252). Leave the field out when"
          + " the code is to be shown and pasted instead."),
  // POSTs safe to retry: the Idempotency-Key header (issue 28).
  IDEMPOTENCY_KEY_INVALID(
      400,
      "invalid_request",
      "Header `Idempotency-Key` must be 1 to 255 visible ASCII characters, sent once.",
      "Send one `Idempotency-Key` header per request, such as a random UUID, without spaces or"
          + " non-ASCII characters; or leave it out if the request need not be safe to retry."),
  IDEMPOTENCY_KEY_REUSED(
      422,
      "invalid_request",
      "This `Idempotency-Key` was already used with a different request. Use a new key for a new"
          + " request.",
      "A key names one request (the same method, path and body) for 24 hours: send a retry with"
          + " exactly the bytes of the first attempt, and make a new key, such as a random UUID,"
          + " for every new request."),
  IDEMPOTENCY_KEY_IN_USE(
      409,
      "conflict",
      "A request with this `Idempotency-Key` is still being processed. Retry after the time in"
          + " the `Retry-After` header.",
      "Wait for the first request to finish, then send the retry again: it then gets the first"
          + " request's answer. Two requests that run at the same time never share a key."),
  // Passkeys (issue 22): ours, next to upstream's.
  PASSKEY_ALREADY_REGISTERED(
      409,
      "conflict",
      "This authenticator is already registered to an account.",
      "Use the passkey you already have on this authenticator, or remove it (from the account it"
          + " belongs to) before adding it again."),
  PASSKEY_NICKNAME_INVALID(
      422,
      "invalid_request",
      "Field `nickname` must be 1 to 100 characters without control characters.",
      "Send a short name for the passkey, such as \"MacBook Touch ID\", after trimming"
          + " surrounding white space; leave it out when adding a passkey to get a default."),
  // Methods are case-sensitive; a token that names no method is not implemented (RFC 9110 §9.1).
  METHOD_NOT_IMPLEMENTED(
      405,
      "invalid_request",
      "This server does not implement this method.",
      "Use one of the methods the API reference lists for the path (GET, POST, PATCH, DELETE),"
          + " spelt in capitals: method names are case-sensitive."),
  // Sign-up, recovery and invitations by email (issue 23). The first two are upstream's.
  PASSKEY_TOKEN_INVALID(
      400,
      "invalid_request",
      "Your sign-up or recovery link has expired. Request a new one.",
      "Ask for a new link from the console's sign-in page (Create an account, or Email me a"
          + " sign-in link). A sign-up link works for 24 hours, a recovery link for 30 minutes, an"
          + " invitation for 72 hours, each once; unknown, used and expired links all answer this"
          + " way on purpose."),
  PASSKEY_SIGNUP_EMAIL_TAKEN(
      409,
      "conflict",
      "An account already exists for this email. Sign in instead.",
      "Sign in with your passkey, or use Email me a sign-in link on the sign-in page to add a new"
          + " passkey to the existing account."),
  SIGNUP_CAP_REACHED(
      503,
      "service_unavailable",
      "This server has reached its limit of accounts, so new sign-ups are paused. Try again"
          + " later.",
      "The operator caps the number of accounts (--signup-cap). Ask them for an invitation, or"
          + " try again once the cap is raised."),
  SIGNUP_CLOSED(
      403,
      "forbidden",
      "Sign-up is not open on this server.",
      "The operator decides who may create an account (--signup, --signup-domains). Ask them for"
          + " an invitation (`harmont admin invite --email …`), or use an address in one of the"
          + " domains GET /api/v0/auth/signup lists."),
  SERVICE_UNAVAILABLE(
      503,
      "api_error",
      "The service is temporarily unavailable. Try again shortly.",
      "The database could not be reached. Retry with backoff; the service recovers by itself"
          + " when the database is back."),
  INTERNAL_ERROR(
      500,
      "api_error",
      "An unexpected error occurred. It has been logged with the request id.",
      "Retry later. If it keeps happening, report the request id to the operators."),
  // Service credentials and token introspection (issue 26).
  SERVICE_NAME_INVALID(
      422,
      "invalid_request",
      "A service name must be 1 to 64 characters: lowercase letters, digits, `.`, `-` or `_`,"
          + " starting with a letter or digit.",
      "Name the service after what it is, such as `runner-api` or `registry.internal`."),
  SERVICE_NAME_TAKEN(
      409,
      "conflict",
      "A service credential with this name already exists.",
      "Pick another name, or list the credentials with `harmont admin list-services`. Names stay"
          + " taken after a credential is revoked, so that logs keep meaning one service."),
  SERVICE_NOT_FOUND(
      404,
      "not_found",
      "No such service credential.",
      "List the credentials with `harmont admin list-services` and use a name shown there that is"
          + " not revoked yet."),
  INTROSPECTION_TOKEN_MISSING(
      400,
      "invalid_request",
      "Send the token to introspect as the form field `token`"
          + " (`Content-Type: application/x-www-form-urlencoded`).",
      "POST /api/v0/oauth/introspect with a form body `token=<the bearer token>` (RFC 7662);"
          + " `token_type_hint` may be sent and is ignored."),
  // Single sign-on (issue 24): OpenID Connect, Google and GitHub.
  SSO_STATE_INVALID(
      400,
      "invalid_request",
      "This sign-in attempt is invalid, already finished or expired. Start again.",
      "Press Continue with … again in the same browser and finish within 10 minutes. A sign-in"
          + " works once, in the browser that started it (its `harmont_sso` cookie); a missing,"
          + " reused, expired or altered `state` all answer this way on purpose."),
  SSO_ACCESS_DENIED(
      400,
      "invalid_request",
      "The sign-in was cancelled or refused at the identity provider.",
      "Start again and approve the sign-in at the provider. If you did not cancel, your account"
          + " at the provider may be disabled or not allowed to use this application: ask its"
          + " administrator."),
  SSO_TOKEN_INVALID(
      400,
      "invalid_request",
      "The identity provider's answer could not be verified. Start the sign-in again.",
      "Start again. The authorization code may have been used already or expired, or the ID"
          + " token failed a check (signature, issuer, audience, expiry, nonce). If it keeps"
          + " happening, the operator should check the provider's client settings and the"
          + " server's clock."),
  SSO_EMAIL_UNVERIFIED(
      403,
      "forbidden",
      "Your identity provider does not say that your email address is verified, so it cannot be"
          + " used to sign in here.",
      "Verify your address at the identity provider (or ask its administrator to), then sign in"
          + " again. An unverified address is never linked to an account nor given to a new"
          + " one."),
  SSO_SIGNUP_DISABLED(
      403,
      "forbidden",
      "No account here has your address, and this server does not create accounts through"
          + " single sign-on.",
      "Ask an operator to create your account (`harmont admin create-user --email …`) with the"
          + " address your identity provider gives, then sign in again (`--oidc-signup false`)."),
  SSO_PROVIDER_UNAVAILABLE(
      502,
      "api_error",
      "The identity provider could not be reached. Try again shortly.",
      "Retry later. The operator should check that the server reaches the provider's issuer URL"
          + " (its `/.well-known/openid-configuration`) and token endpoint."),
  SSO_PROVIDER_NOT_CONFIGURED(
      404,
      "not_found",
      "This sign-in provider is not configured on this server.",
      "Use one of the providers GET /api/v0/auth/providers lists; the operator configures them"
          + " with --oidc-issuer, --google-client-id and --github-client-id."),
  SSO_RETURN_TO_INVALID(
      422,
      "invalid_request",
      "Query parameter `return_to` must be a path on this server, starting with a single `/`.",
      "Send a path such as `/` or `/cli/authorize?…`, or leave it out to land on the console's"
          + " first page. Other hosts are refused, so that a link cannot send you elsewhere."),
  SSO_CODE_INVALID(
      400,
      "invalid_request",
      "This sign-in code is invalid, already used or expired.",
      "The code in the console's address works once, within a minute of the sign-in. Sign in"
          + " again. Unknown, used and expired codes all answer this way on purpose."),
  SSO_IDENTITY_NOT_FOUND(
      404,
      "not_found",
      "No such connected account.",
      "List your connected accounts (GET /api/v0/user/identities) and use one of the ids shown."),
  SSO_IDENTITY_TAKEN(
      409,
      "conflict",
      "This identity is already connected to an account.",
      "Sign in with it to reach the account it is connected to, or disconnect it there first."),
  SSO_IDENTITY_LAST_METHOD(
      409,
      "conflict",
      "This is your last way to sign in, so it cannot be disconnected.",
      "Add another way first: a passkey, a personal API key, or another connected account. Then"
          + " disconnect this one."),
  OAUTH_PROVIDER_ERROR(
      502,
      "oauth_provider_error",
      "Could not complete sign-in with the provider. The authorization code may be invalid or"
          + " expired. Start the sign-in flow again.",
      "Start the sign-in again from the console. The provider refused the code (used, expired,"
          + " or for another redirect URI) or could not be reached.");

  private final int status;
  private final String type;
  private final String message;
  private final String fix;

  ErrorCode(int status, String type, String message, String fix) {
    this.status = status;
    this.type = type;
    this.message = message;
    this.fix = fix;
  }

  /** The wire code, e.g. {@code api_token_not_found}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  /** The default message; some codes are raised with a more precise one. */
  public String message() {
    return message;
  }

  /** What the caller can do about it; shown on the error's documentation page. */
  public String fix() {
    return fix;
  }

  /** True for upstream's codes, whose message must never be replaced. */
  public boolean isUpstream() {
    return this == ACCOUNT_HAS_BILLING_HISTORY
        || this == API_TOKEN_NOT_FOUND
        || this == USER_NAME_INVALID
        || this == PASSKEY_CHALLENGE_INVALID
        || this == PASSKEY_ASSERTION_FAILED
        || this == PASSKEY_REGISTRATION_FAILED
        || this == PASSKEY_UNKNOWN_CREDENTIAL
        || this == PASSKEY_USER_VERIFICATION_REQUIRED
        || this == PASSKEY_LAST_CREDENTIAL
        || this == PASSKEY_NOT_FOUND;
  }
}
