package dev.harmont.server.account;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The account rules: the current user's profile, their personal API keys, sessions, and the
 * operator's actions. It owns every rule (validation, expiry, limits, what is visible to whom) and
 * leaves wire formats to the HTTP layer, SQL to the stores, the authentication hot path and its
 * cache to {@link Authenticator} (told here what each change made stale), and reading the security
 * log to {@link SecurityLog}. Credentials and their events are made by {@link Mint}.
 */
public final class AccountService {
  /** The longest grace period a rotation may give the replaced secret. */
  public static final Duration MAX_GRACE_PERIOD = Duration.ofDays(1);

  private final UserStore users;
  private final TokenStore tokens;
  private final Authenticator authenticator;
  private final Mint mint;
  private final AccountSettings settings;

  AccountService(
      UserStore users,
      TokenStore tokens,
      Authenticator authenticator,
      Mint mint,
      AccountSettings settings) {
    this.users = users;
    this.tokens = tokens;
    this.authenticator = authenticator;
    this.mint = mint;
    this.settings = settings;
  }

  // ---- The current user ----

  public User currentUser(Authenticated who) {
    return who.user();
  }

  /** Sets the display name (trimmed, 1..255 code points, no control characters). */
  public User rename(Authenticated who, String rawName, RequestContext context) {
    String name = Validation.displayName(rawName);
    Instant now = mint.now();
    SecurityEvent event =
        mint.event(who.user().id(), SecurityEventType.USER_RENAMED, now, context, null);
    User renamed =
        users
            .rename(who.user().id(), name, now, event)
            .orElseThrow(() -> new HarmontException(ErrorCode.UNAUTHORIZED));
    authenticator.forgetUser(who.user().id());
    return renamed;
  }

  /**
   * Deletes the account, its personal organization and every token: all of them stop authenticating
   * at once. Irreversible.
   */
  public void deleteAccount(Authenticated who) {
    users.delete(who.user().id());
    authenticator.forgetUser(who.user().id());
  }

  // ---- Personal API keys ----

  public List<ApiToken> listApiTokens(Authenticated who) {
    return tokens.listPersonal(who.user().id());
  }

  /**
   * Mints a personal API key. The returned secret is the only copy there will ever be.
   *
   * @param rawDescription optional label, trimmed, at most the configured number of code points
   * @param expiresAt null for a key that never expires, else an instant strictly in the future
   */
  public CreatedToken createApiToken(
      Authenticated who, String rawDescription, Instant expiresAt, RequestContext context) {
    return createKey(who.user().id(), rawDescription, expiresAt, context);
  }

  /**
   * Replaces the secret of one of the caller's personal keys: same id and description, a new secret
   * (returned only here) and hint. The replaced secret stops at once, or after {@code gracePeriod}
   * (at most {@link #MAX_GRACE_PERIOD}, and never after the key's old expiry) so that deployments
   * can roll over. Only one replaced secret is kept: rotating again ends the previous one's grace.
   *
   * <p>Of two concurrent rotations of one key exactly one succeeds; the other is refused with
   * {@link ErrorCode#API_TOKEN_ROTATION_CONFLICT}, so there are never two live new secrets.
   *
   * @param expiry the new expiry, as create takes it; null keeps the key's lifetime: a key that
   *     expired {@code L} after its secret was minted gets {@code now + L}, a key that never
   *     expired still never does
   * @throws HarmontException {@link ErrorCode#API_TOKEN_NOT_FOUND} for anything but the caller's
   *     own personal key, {@link ErrorCode#API_TOKEN_GRACE_PERIOD_INVALID}, {@link
   *     ErrorCode#API_TOKEN_EXPIRED}, or the expiry errors of create
   */
  public CreatedToken rotateApiToken(
      Authenticated who,
      String rawId,
      ExpiryChange expiry,
      Duration gracePeriod,
      RequestContext context) {
    if (gracePeriod == null
        || gracePeriod.isNegative()
        || gracePeriod.compareTo(MAX_GRACE_PERIOD) > 0) {
      throw new HarmontException(ErrorCode.API_TOKEN_GRACE_PERIOD_INVALID);
    }
    UUID id = Ids.parseOrNull(rawId);
    TokenStore.KeyState current =
        (id == null
                ? Optional.<TokenStore.KeyState>empty()
                : tokens.findPersonal(who.user().id(), id))
            .orElseThrow(() -> new HarmontException(ErrorCode.API_TOKEN_NOT_FOUND));
    ApiToken old = current.token();
    Instant now = mint.now();
    if (old.isExpiredAt(now)) {
      throw new HarmontException(ErrorCode.API_TOKEN_EXPIRED);
    }
    Instant expiresAt =
        expiry.keepLifetime()
            ? (old.expiresAt() == null
                ? null
                : now.plus(Duration.between(old.secretCreatedAt(), old.expiresAt())))
            : Mint.expiry(expiry.expiresAt(), now);
    Instant previousEndsAt = null;
    if (!gracePeriod.isZero()) {
      previousEndsAt = now.plus(gracePeriod);
      if (old.expiresAt() != null && old.expiresAt().isBefore(previousEndsAt)) {
        previousEndsAt = old.expiresAt();
      }
    }
    String secret = mint.secret(TokenKind.PERSONAL);
    String hint = Secrets.hint(secret);
    TokenStore.Rotation rotation =
        new TokenStore.Rotation(
            who.user().id(),
            id,
            current.secretHash(),
            Secrets.hash(secret),
            hint,
            now,
            expiresAt,
            previousEndsAt == null ? null : current.secretHash(),
            previousEndsAt);
    boolean rotated =
        tokens.rotate(
            rotation,
            mint.event(who.user().id(), SecurityEventType.API_TOKEN_ROTATED, now, context, id));
    // Whatever happened, entries for the old secret on this node go: with no grace it stops here
    // at once; with a grace its next lookup learns when it ends.
    authenticator.forgetToken(id);
    if (!rotated) {
      throw new HarmontException(
          tokens.findPersonal(who.user().id(), id).isPresent()
              ? ErrorCode.API_TOKEN_ROTATION_CONFLICT
              : ErrorCode.API_TOKEN_NOT_FOUND);
    }
    ApiToken token =
        new ApiToken(
            id,
            old.userId(),
            old.kind(),
            old.description(),
            hint,
            old.createdAt(),
            now,
            expiresAt,
            old.lastUsedAt());
    return new CreatedToken(token, secret);
  }

  /**
   * The expiry a rotation asks for.
   *
   * @param keepLifetime true when the request did not say (the key's lifetime is granted again)
   * @param expiresAt the new expiry, null for never; ignored when {@code keepLifetime}
   */
  public record ExpiryChange(boolean keepLifetime, Instant expiresAt) {
    public static final ExpiryChange KEEP_LIFETIME = new ExpiryChange(true, null);

    public static ExpiryChange to(Instant expiresAt) {
      return new ExpiryChange(false, expiresAt);
    }
  }

  /**
   * Revokes one of the caller's personal keys, both its current secret and a replaced one still in
   * its grace period. Unknown, malformed, session and other users' ids all answer {@link
   * ErrorCode#API_TOKEN_NOT_FOUND} alike, so ids cannot be probed.
   */
  public void revokeApiToken(Authenticated who, String rawId, RequestContext context) {
    UUID id = Ids.parseOrNull(rawId);
    if (id == null
        || !tokens.deletePersonal(
            who.user().id(),
            id,
            mint.event(
                who.user().id(), SecurityEventType.API_TOKEN_REVOKED, mint.now(), context, id))) {
      throw new HarmontException(ErrorCode.API_TOKEN_NOT_FOUND);
    }
    authenticator.forgetToken(id);
  }

  /**
   * Revokes a personal key of a user without their bearer: a rule of the domain decided it (a
   * replayed CLI-grant code). Nothing happens when the key is already gone.
   */
  void revokeKey(UUID userId, UUID tokenId, RequestContext context) {
    if (tokens.deletePersonal(
        userId,
        tokenId,
        mint.event(userId, SecurityEventType.API_TOKEN_REVOKED, mint.now(), context, tokenId))) {
      authenticator.forgetToken(tokenId);
    }
  }

  // ---- Sessions ----

  /**
   * Revokes the very token used for this call, and nothing else: a session ends ({@code
   * session.ended}), a personal key is revoked ({@code api_token.revoked}).
   */
  public void logout(Authenticated who, RequestContext context) {
    ApiToken token = who.token();
    Instant now = mint.now();
    SecurityEvent event =
        token.kind() == TokenKind.SESSION
            ? mint.event(who.user().id(), SecurityEventType.SESSION_ENDED, now, context, null)
            : mint.event(
                who.user().id(), SecurityEventType.API_TOKEN_REVOKED, now, context, token.id());
    tokens.delete(token.id(), event);
    authenticator.forgetToken(token.id());
  }

  /**
   * Trades the caller's personal API key for a session token of the configured lifetime (the web
   * console's sign-in). A session cannot start another session: a session ends at its expiry, so a
   * stolen one cannot be kept alive by refreshing it.
   *
   * @throws HarmontException {@link ErrorCode#SESSION_REFRESH_NOT_ALLOWED} when the caller
   *     authenticated with a session token
   */
  public CreatedToken createSession(Authenticated who, RequestContext context) {
    if (who.token().kind() == TokenKind.SESSION) {
      throw new HarmontException(ErrorCode.SESSION_REFRESH_NOT_ALLOWED);
    }
    return startSession(who.user().id(), settings.sessionTtl(), SignInMethod.API_KEY, context);
  }

  /**
   * A session of the configured lifetime for a user who proved who they are another way (a sign-in
   * link, a passkey), recorded as {@code session.created} with {@code method}.
   *
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when the account was deleted meanwhile
   */
  public CreatedToken startSession(UUID userId, SignInMethod method, RequestContext context) {
    return startSession(userId, settings.sessionTtl(), method, context);
  }

  /**
   * A session token of {@code ttl} for a user, recorded as {@code session.created}; never listed
   * with the API keys. The bounds hold for every caller, the operator included.
   *
   * @throws HarmontException {@link ErrorCode#SESSION_TTL_INVALID} outside {@link
   *     AccountSettings#MIN_SESSION_TTL}..{@link AccountSettings#MAX_SESSION_TTL}
   */
  private CreatedToken startSession(
      UUID userId, Duration ttl, SignInMethod method, RequestContext context) {
    return startSession(userId, ttl, method, null, context);
  }

  /**
   * A session of the configured lifetime for a user who signed in through a single sign-on
   * provider, recorded as {@code session.created} with {@code method} and the provider's name.
   *
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when the account was deleted meanwhile
   */
  public CreatedToken startSession(
      UUID userId, SignInMethod method, String provider, RequestContext context) {
    return startSession(userId, settings.sessionTtl(), method, provider, context);
  }

  private CreatedToken startSession(
      UUID userId, Duration ttl, SignInMethod method, String provider, RequestContext context) {
    if (!AccountSettings.isSessionTtl(ttl)) {
      throw new HarmontException(ErrorCode.SESSION_TTL_INVALID);
    }
    Instant now = mint.now();
    return store(userId, TokenKind.SESSION, null, now, now.plus(ttl), method, provider, context);
  }

  // ---- Operator actions (the admin commands); no bearer token involved. ----

  /** Creates a user with a personal organization, and mints their first personal key. */
  public CreatedUser createUser(String rawEmail, String rawName) {
    String email = Validation.email(rawEmail);
    String name = Validation.displayName(rawName);
    Instant now = mint.now();
    User user =
        users.create(mint.id(now), mint.id(now), email, name, Validation.slugBase(email), now);
    CreatedToken key =
        store(
            user.id(),
            TokenKind.PERSONAL,
            "Created by harmont admin",
            now,
            null,
            null,
            null,
            RequestContext.OPERATOR);
    return new CreatedUser(user, key);
  }

  /**
   * Creates a user with a personal organization and no key: someone a trusted identity provider
   * vouched for, who signs in through it.
   *
   * @throws HarmontException {@link ErrorCode#EMAIL_TAKEN} when the address is in use
   */
  public User createSignedInUser(String rawEmail, String rawName) {
    String email = Validation.email(rawEmail);
    String name = Validation.displayName(rawName);
    Instant now = mint.now();
    return users.create(mint.id(now), mint.id(now), email, name, Validation.slugBase(email), now);
  }

  /** The user with this id, if the account still exists. */
  public Optional<User> userById(UUID id) {
    return users.findById(id);
  }

  /** Mints another personal key for an existing user, under the same rules as create. */
  public CreatedToken issueApiToken(String rawEmail, String rawDescription, Instant expiresAt) {
    return createKey(
        userByEmail(rawEmail).id(), rawDescription, expiresAt, RequestContext.OPERATOR);
  }

  /**
   * Mints a session token (what a sign-in would give); it is never listed with the API keys.
   *
   * @throws HarmontException {@link ErrorCode#SESSION_TTL_INVALID} for a lifetime out of bounds
   */
  public CreatedToken issueSessionToken(String rawEmail, Duration ttl) {
    return startSession(userByEmail(rawEmail).id(), ttl, null, RequestContext.OPERATOR);
  }

  /** True once at least one user exists. */
  public boolean hasAnyUser() {
    return users.hasAnyUser();
  }

  public User userByEmail(String rawEmail) {
    String email = Validation.email(rawEmail);
    return users
        .findByEmail(email)
        .orElseThrow(
            () ->
                new HarmontException(
                    ErrorCode.USER_NOT_FOUND, "No user has the email address `" + email + "`."));
  }

  // ---- Minting ----

  /** A personal key for a user: the description and expiry rules of create, for every caller. */
  private CreatedToken createKey(
      UUID userId, String rawDescription, Instant expiresAt, RequestContext context) {
    String description =
        Validation.description(rawDescription, settings.maxDescriptionLength()).orElse(null);
    Instant now = mint.now();
    return store(
        userId,
        TokenKind.PERSONAL,
        description,
        now,
        Mint.expiry(expiresAt, now),
        null,
        null,
        context);
  }

  /**
   * Mints a token and stores it with its event, within the key limit for personal keys; {@code
   * method} says how a session was started (null for keys and operator-issued sessions).
   */
  private CreatedToken store(
      UUID userId,
      TokenKind kind,
      String description,
      Instant now,
      Instant expiresAt,
      SignInMethod method,
      String provider,
      RequestContext context) {
    String secret = mint.secret(kind);
    ApiToken token = mint.token(secret, userId, kind, description, now, expiresAt);
    int max = kind == TokenKind.PERSONAL ? settings.maxLiveKeysPerUser() : Integer.MAX_VALUE;
    SecurityEvent event =
        mint.createdEvent(token, context).withMethod(method).withProvider(provider);
    if (!tokens.insert(token, Secrets.hash(secret), max, event)) {
      throw Mint.keyLimitReached(max);
    }
    return new CreatedToken(token, secret);
  }
}
