package dev.harmont.server.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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

  private final UserStore users;
  private final TokenStore tokens;
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
   */
  public AccountService(
      UserStore users,
      TokenStore tokens,
      Clock clock,
      SecureRandom random,
      AccountLimits limits,
      AuthCacheSettings cache,
      Executor background) {
    this(users, tokens, clock, random, limits, cache, background, AuthOutcome.Listener.NONE);
  }

  /**
   * @param outcomes told whether each {@link #authenticate} succeeded, or why not (for metrics)
   */
  public AccountService(
      UserStore users,
      TokenStore tokens,
      Clock clock,
      SecureRandom random,
      AccountLimits limits,
      AuthCacheSettings cache,
      Executor background,
      AuthOutcome.Listener outcomes) {
    this.outcomes = outcomes;
    this.users = users;
    this.tokens = tokens;
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
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when it is malformed, unknown, revoked,
   *     or expired
   */
  public Authenticated authenticate(String secret) {
    if (secret == null
        || secret.isEmpty()
        || secret.length() > MAX_SECRET_LENGTH
        || !isToken68(secret)) {
      outcomes.outcome(AuthOutcome.UNKNOWN);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    Instant now = now();
    String hash = Secrets.hash(secret);
    Authenticated who = cache.get(hash);
    if (who == null) {
      who = lookUp(hash);
    }
    if (who.token().isExpiredAt(now)) {
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
    long epoch = cache.epoch();
    Authenticated who = tokens.findByHash(hash).orElse(null);
    if (who == null) {
      cache.putMiss(hash);
      outcomes.outcome(AuthOutcome.UNKNOWN);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    cache.put(hash, who, epoch);
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
  public User rename(Authenticated who, String rawName) {
    String name = Validation.displayName(rawName);
    User renamed =
        users
            .rename(who.user().id(), name, now())
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
  public CreatedToken createApiToken(Authenticated who, String rawDescription, Instant expiresAt) {
    String description =
        Validation.description(rawDescription, limits.maxDescriptionLength()).orElse(null);
    Instant now = now();
    Instant expiry = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
    if (expiry != null && !expiry.isAfter(now)) {
      throw new HarmontException(ErrorCode.API_TOKEN_EXPIRES_AT_NOT_IN_FUTURE);
    }
    return mint(who.user().id(), TokenKind.PERSONAL, description, now, expiry);
  }

  /**
   * Revokes one of the caller's personal keys. Unknown, malformed, session and other users' ids all
   * answer {@link ErrorCode#API_TOKEN_NOT_FOUND} alike, so ids cannot be probed.
   */
  public void revokeApiToken(Authenticated who, String rawId) {
    UUID id = Ids.parseOrNull(rawId);
    if (id == null || !tokens.deletePersonal(who.user().id(), id)) {
      throw new HarmontException(ErrorCode.API_TOKEN_NOT_FOUND);
    }
    cache.forgetToken(id);
  }

  /** Revokes the very token used for this call, and nothing else. */
  public void logout(Authenticated who) {
    tokens.delete(who.token().id());
    cache.forgetToken(who.token().id());
  }

  // ---- Operator actions (the admin commands); no bearer token involved. ----

  /** Creates a user with a personal organization, and mints their first personal key. */
  public CreatedUser createUser(String rawEmail, String rawName) {
    String email = Validation.email(rawEmail);
    String name = Validation.displayName(rawName);
    Instant now = now();
    User user =
        users.create(ids.next(now), ids.next(now), email, name, Validation.slugBase(email), now);
    CreatedToken key = mint(user.id(), TokenKind.PERSONAL, "Created by harmont admin", now, null);
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
    return mint(user.id(), TokenKind.PERSONAL, description, now, expiresAt);
  }

  /** Mints a session token (what a sign-in would give); it is never listed with the API keys. */
  public CreatedToken issueSessionToken(String rawEmail, Duration ttl) {
    User user = userByEmail(rawEmail);
    Instant now = now();
    return mint(user.id(), TokenKind.SESSION, null, now, now.plus(ttl));
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

  private CreatedToken mint(
      UUID userId, TokenKind kind, String description, Instant now, Instant expiresAt) {
    String secret = secrets.mint(kind);
    ApiToken token =
        new ApiToken(
            ids.next(now),
            userId,
            kind,
            description,
            now,
            expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS),
            null);
    int max = kind == TokenKind.PERSONAL ? limits.maxLiveKeysPerUser() : Integer.MAX_VALUE;
    if (!tokens.insert(token, Secrets.hash(secret), max)) {
      throw new HarmontException(
          ErrorCode.API_TOKEN_LIMIT_REACHED,
          "You have reached the maximum of "
              + max
              + " live API keys. Revoke keys you no longer use, then try again.");
    }
    return new CreatedToken(token, secret);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
