package dev.harmont.server.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * The account domain: who a bearer secret belongs to, the current user's profile, and their
 * personal API keys. It owns every rule (validation, expiry, the last-used throttle, what is
 * visible to whom) and leaves wire formats to the HTTP layer and SQL to the stores.
 *
 * <p>All instants are truncated to microseconds, the precision both databases store.
 */
public final class AccountService {
  /** {@code last_used_at} is written at most once per key in this interval. */
  public static final Duration LAST_USED_INTERVAL = Duration.ofSeconds(60);

  public static final Duration DEFAULT_SESSION_TTL = Duration.ofDays(30);

  // Longer bearer values are never ours; refusing them early keeps hashing bounded.
  private static final int MAX_SECRET_LENGTH = 512;

  /** The longest grace period a rotation may give the replaced secret. */
  public static final Duration MAX_GRACE_PERIOD = Duration.ofDays(1);

  /** Security log pages hold 1 to this many events. */
  public static final int MAX_EVENTS_PER_PAGE = 200;

  public static final int DEFAULT_EVENTS_PER_PAGE = 50;

  /** How long security events are kept unless the operator says otherwise. */
  public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(90);

  private final UserStore users;
  private final TokenStore tokens;
  private final EventStore events;
  private final Duration eventRetention;
  private final Clock clock;
  private final Secrets secrets;
  private final Ids ids;
  private final AccountLimits limits;
  private final AuthCache cache;
  private final LastUsedWriter lastUsed;
  private final AuthOutcome.Listener outcomes;

  /**
   * @param cache how long validated tokens are served from memory
   * @param background runs the {@code last_used_at} writes ({@code Runnable::run} writes them
   *     inline, which tests use)
   * @param eventRetention how long security events are kept and listed
   */
  public AccountService(
      UserStore users,
      TokenStore tokens,
      EventStore events,
      Duration eventRetention,
      Clock clock,
      SecureRandom random,
      AccountLimits limits,
      AuthCacheSettings cache,
      Executor background) {
    this(
        users,
        tokens,
        events,
        eventRetention,
        clock,
        random,
        limits,
        cache,
        background,
        AuthOutcome.Listener.NONE);
  }

  /**
   * @param outcomes told whether each {@link #authenticate} succeeded, or why not (for metrics)
   */
  public AccountService(
      UserStore users,
      TokenStore tokens,
      EventStore events,
      Duration eventRetention,
      Clock clock,
      SecureRandom random,
      AccountLimits limits,
      AuthCacheSettings cache,
      Executor background,
      AuthOutcome.Listener outcomes) {
    if (eventRetention.isNegative() || eventRetention.isZero()) {
      throw new IllegalArgumentException("eventRetention must be positive");
    }
    this.outcomes = outcomes;
    this.users = users;
    this.tokens = tokens;
    this.events = events;
    this.eventRetention = eventRetention;
    this.clock = clock;
    this.limits = limits;
    this.cache = new AuthCache(cache, clock);
    this.lastUsed = new LastUsedWriter(tokens, background, clock);
    this.secrets = new Secrets(random);
    this.ids = new Ids(random);
  }

  /**
   * Resolves a raw bearer secret to its user and token. A malformed secret is refused before any
   * hashing or lookup; a hash that failed a lookup in the last few seconds is refused without
   * another one.
   *
   * <p>A key in the checksummed format ({@code hm_} + 49 base62 characters) whose checksum does not
   * match is refused here, before the cache or the database: it cannot be a key we minted.
   *
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when it is malformed, unknown, revoked,
   *     or expired, or a replaced secret whose grace period is over
   */
  public Authenticated authenticate(String secret) {
    if (secret == null
        || secret.isEmpty()
        || secret.length() > MAX_SECRET_LENGTH
        || !isToken68(secret)
        || (Secrets.hasChecksummedShape(secret) && !Secrets.checksumMatches(secret))) {
      outcomes.outcome(AuthOutcome.UNKNOWN);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    Instant now = now();
    String hash = Secrets.hash(secret);
    Authenticated who = cache.get(hash);
    if (who == null) {
      who = lookUp(hash);
    }
    // Checked on every request, cached or not: no entry outlives its key's own expires_at, nor a
    // replaced secret its grace period, whatever the TTL.
    if (who.isExpiredAt(now)) {
      outcomes.outcome(AuthOutcome.EXPIRED);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    lastUsed.used(who.token(), now);
    outcomes.outcome(AuthOutcome.OK);
    return who;
  }

  /** The uncached path: one indexed lookup, unless the same hash just failed one. */
  private Authenticated lookUp(String hash) {
    if (cache.isRecentMiss(hash)) {
      outcomes.outcome(AuthOutcome.UNKNOWN);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    AuthCache.Stamp before = cache.stamp();
    Authenticated who = tokens.findByHash(hash).orElse(null);
    if (who == null) {
      cache.putMiss(hash);
      outcomes.outcome(AuthOutcome.UNKNOWN);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    cache.put(hash, who, before);
    return who;
  }

  /**
   * RFC 7235 token68, {@code [A-Za-z0-9._~+/-]+=*}: the only shape a bearer credential can have.
   * Written out rather than matched with a regex: it runs on every authenticated request.
   */
  static boolean isToken68(String s) {
    int i = 0;
    int n = s.length();
    while (i < n && isToken68Char(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return false;
    }
    while (i < n && s.charAt(i) == '=') {
      i++;
    }
    return i == n;
  }

  private static boolean isToken68Char(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '~'
        || c == '+'
        || c == '/'
        || c == '-';
  }

  /**
   * Where the PostgreSQL listener passes on what other nodes changed (see {@link
   * AuthCacheSettings#notifiedTtl}).
   */
  public AuthCacheInvalidations cacheInvalidations() {
    return cache;
  }

  /**
   * True while the authentication cache serves entries for the notified TTL: the listener confirmed
   * less than one short TTL ago that it has heard every change.
   */
  public boolean cacheListening() {
    return cache.listening();
  }

  /** Tokens held by the authentication cache now (for tests and metrics). */
  public long cachedTokens() {
    return cache.size();
  }

  /** Authentications the cache answered since start (0 when the cache is off). */
  public long authCacheHits() {
    return cache.hits();
  }

  /** Authentications that went to the database because the cache had no entry (0 when off). */
  public long authCacheMisses() {
    return cache.misses();
  }

  /** Hashes held by the cache of recent failed lookups now (for tests and metrics). */
  long cachedMisses() {
    return cache.recentMisses();
  }

  public User currentUser(Authenticated who) {
    return who.user();
  }

  /** Sets the display name (trimmed, 1..255 code points, no control characters). */
  public User rename(Authenticated who, String rawName, RequestContext context) {
    String name = Validation.displayName(rawName);
    Instant now = now();
    SecurityEvent event =
        event(who.user().id(), SecurityEventType.USER_RENAMED, now, context, null);
    User renamed =
        users
            .rename(who.user().id(), name, now, event)
            .orElseThrow(() -> new HarmontException(ErrorCode.UNAUTHORIZED));
    cache.forgetUser(who.user().id());
    return renamed;
  }

  /**
   * Deletes the account, its personal organization and every token: all of them stop authenticating
   * at once. Irreversible.
   */
  public void deleteAccount(Authenticated who) {
    users.delete(who.user().id());
    cache.forgetUser(who.user().id());
  }

  public List<ApiToken> listApiTokens(Authenticated who) {
    return tokens.listPersonal(who.user().id());
  }

  /**
   * Mints a personal API key. The returned secret is the only copy there will ever be.
   *
   * @param rawDescription optional label, trimmed, at most 255 code points
   * @param expiresAt null for a key that never expires, else an instant strictly in the future
   */
  public CreatedToken createApiToken(
      Authenticated who, String rawDescription, Instant expiresAt, RequestContext context) {
    String description =
        Validation.description(rawDescription, limits.maxDescriptionLength()).orElse(null);
    Instant now = now();
    Instant expiry = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
    if (expiry != null && !expiry.isAfter(now)) {
      throw new HarmontException(ErrorCode.API_TOKEN_EXPIRES_AT_NOT_IN_FUTURE);
    }
    return mint(who.user().id(), TokenKind.PERSONAL, description, now, expiry, context);
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
    if (gracePeriod.isNegative() || gracePeriod.compareTo(MAX_GRACE_PERIOD) > 0) {
      throw new HarmontException(ErrorCode.API_TOKEN_GRACE_PERIOD_INVALID);
    }
    UUID id = Ids.parseOrNull(rawId);
    TokenStore.KeyState current =
        (id == null
                ? Optional.<TokenStore.KeyState>empty()
                : tokens.findPersonal(who.user().id(), id))
            .orElseThrow(() -> new HarmontException(ErrorCode.API_TOKEN_NOT_FOUND));
    ApiToken old = current.token();
    Instant now = now();
    if (old.isExpiredAt(now)) {
      throw new HarmontException(ErrorCode.API_TOKEN_EXPIRED);
    }
    Instant expiresAt;
    if (expiry.keepLifetime()) {
      expiresAt =
          old.expiresAt() == null
              ? null
              : now.plus(Duration.between(old.secretCreatedAt(), old.expiresAt()));
    } else {
      expiresAt =
          expiry.expiresAt() == null ? null : expiry.expiresAt().truncatedTo(ChronoUnit.MICROS);
      if (expiresAt != null && !expiresAt.isAfter(now)) {
        throw new HarmontException(ErrorCode.API_TOKEN_EXPIRES_AT_NOT_IN_FUTURE);
      }
    }
    Instant previousEndsAt = null;
    if (!gracePeriod.isZero()) {
      previousEndsAt = now.plus(gracePeriod);
      if (old.expiresAt() != null && old.expiresAt().isBefore(previousEndsAt)) {
        previousEndsAt = old.expiresAt();
      }
    }
    String secret = secrets.mint(TokenKind.PERSONAL);
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
            event(who.user().id(), SecurityEventType.API_TOKEN_ROTATED, now, context, id));
    // Whatever happened, entries for the old secret on this node go: with no grace it stops here
    // at once; with a grace its next lookup learns when it ends.
    cache.forgetToken(id);
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
            event(who.user().id(), SecurityEventType.API_TOKEN_REVOKED, now(), context, id))) {
      throw new HarmontException(ErrorCode.API_TOKEN_NOT_FOUND);
    }
    cache.forgetToken(id);
  }

  /**
   * Revokes the very token used for this call, and nothing else: a session ends ({@code
   * session.ended}), a personal key is revoked ({@code api_token.revoked}).
   */
  public void logout(Authenticated who, RequestContext context) {
    ApiToken token = who.token();
    SecurityEvent event =
        token.kind() == TokenKind.SESSION
            ? event(who.user().id(), SecurityEventType.SESSION_ENDED, now(), context, null)
            : event(
                who.user().id(), SecurityEventType.API_TOKEN_REVOKED, now(), context, token.id());
    tokens.delete(token.id(), event);
    cache.forgetToken(token.id());
  }

  /**
   * One page of the caller's security log, newest first. Events older than the retention period are
   * never listed, even before they are deleted.
   *
   * @param limit 1 to {@link #MAX_EVENTS_PER_PAGE}
   * @param before the {@code next} cursor of the previous page, or null for the newest events
   * @throws HarmontException {@link ErrorCode#EVENTS_LIMIT_INVALID}, {@link
   *     ErrorCode#EVENTS_CURSOR_INVALID}
   */
  public EventPage listEvents(Authenticated who, int limit, String before) {
    if (limit < 1 || limit > MAX_EVENTS_PER_PAGE) {
      throw new HarmontException(ErrorCode.EVENTS_LIMIT_INVALID);
    }
    EventCursor cursor = before == null ? null : EventCursor.decode(before);
    List<SecurityEvent> found =
        events.list(who.user().id(), now().minus(eventRetention), cursor, limit + 1);
    if (found.size() <= limit) {
      return new EventPage(found, null);
    }
    List<SecurityEvent> page = found.subList(0, limit);
    return new EventPage(page, EventCursor.after(page.get(limit - 1)));
  }

  /** Deletes the security events older than the retention period; returns how many. */
  public int deleteExpiredEvents() {
    return events.deleteOlderThan(now().minus(eventRetention));
  }

  /**
   * Trades the caller's personal API key for a session token of {@code ttl} (the web console's
   * sign-in). A session cannot start another session: a session ends at its expiry, so a stolen one
   * cannot be kept alive by refreshing it.
   *
   * @throws HarmontException {@link ErrorCode#SESSION_REFRESH_NOT_ALLOWED} when the caller
   *     authenticated with a session token
   */
  public CreatedToken createSession(Authenticated who, Duration ttl, RequestContext context) {
    if (who.token().kind() == TokenKind.SESSION) {
      throw new HarmontException(ErrorCode.SESSION_REFRESH_NOT_ALLOWED);
    }
    return startSession(who.user().id(), ttl, context);
  }

  /**
   * A session token of {@code ttl} for a user, recorded as {@code session.created}; never listed
   * with the API keys.
   */
  CreatedToken startSession(UUID userId, Duration ttl, RequestContext context) {
    Instant now = now();
    return mint(userId, TokenKind.SESSION, null, now, now.plus(ttl), context);
  }

  // ---- Operator actions (the admin commands); no bearer token involved. ----

  /** Creates a user with a personal organization, and mints their first personal key. */
  public CreatedUser createUser(String rawEmail, String rawName) {
    String email = Validation.email(rawEmail);
    String name = Validation.displayName(rawName);
    Instant now = now();
    User user =
        users.create(ids.next(now), ids.next(now), email, name, Validation.slugBase(email), now);
    CreatedToken key =
        mint(
            user.id(),
            TokenKind.PERSONAL,
            "Created by harmont admin",
            now,
            null,
            RequestContext.OPERATOR);
    return new CreatedUser(user, key);
  }

  /** Mints another personal key for an existing user. */
  public CreatedToken issueApiToken(String rawEmail, String rawDescription, Instant expiresAt) {
    User user = userByEmail(rawEmail);
    String description =
        Validation.description(rawDescription, limits.maxDescriptionLength()).orElse(null);
    Instant now = now();
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw new HarmontException(ErrorCode.API_TOKEN_EXPIRES_AT_NOT_IN_FUTURE);
    }
    return mint(
        user.id(), TokenKind.PERSONAL, description, now, expiresAt, RequestContext.OPERATOR);
  }

  /** Mints a session token (what a sign-in would give); it is never listed with the API keys. */
  public CreatedToken issueSessionToken(String rawEmail, Duration ttl) {
    return startSession(userByEmail(rawEmail).id(), ttl, RequestContext.OPERATOR);
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

  /**
   * Mints and stores a token with its event ({@code api_token.created} for a personal key, {@code
   * session.created} for a session). Sign-in flows call this with {@link TokenKind#SESSION}.
   */
  private CreatedToken mint(
      UUID userId,
      TokenKind kind,
      String description,
      Instant now,
      Instant expiresAt,
      RequestContext context) {
    String secret = secrets.mint(kind);
    UUID id = ids.next(now);
    ApiToken token =
        new ApiToken(
            id,
            userId,
            kind,
            description,
            Secrets.hint(secret),
            now,
            null,
            expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS),
            null);
    SecurityEvent event =
        kind == TokenKind.PERSONAL
            ? event(userId, SecurityEventType.API_TOKEN_CREATED, now, context, id)
            : event(userId, SecurityEventType.SESSION_CREATED, now, context, null);
    int max = kind == TokenKind.PERSONAL ? limits.maxLiveKeysPerUser() : Integer.MAX_VALUE;
    if (!tokens.insert(token, Secrets.hash(secret), max, event)) {
      throw new HarmontException(
          ErrorCode.API_TOKEN_LIMIT_REACHED,
          "You have reached the maximum of "
              + max
              + " live API keys. Revoke keys you no longer use, then try again.");
    }
    return new CreatedToken(token, secret);
  }

  private SecurityEvent event(
      UUID userId, SecurityEventType type, Instant at, RequestContext context, UUID apiTokenId) {
    return SecurityEvent.of(ids.next(at), userId, type, at, context, apiTokenId);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
