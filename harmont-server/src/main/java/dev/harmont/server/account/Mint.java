package dev.harmont.server.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The one place credentials are made: secrets and one-time codes, the token that carries a secret
 * and the security event recorded with it, ids, and the domain's "now". Every service of the domain
 * mints through the same instance ({@link Accounts#open}), so ids stay ordered across them and the
 * rules below are written once:
 *
 * <ul>
 *   <li>all instants are truncated to microseconds, the precision both databases store;
 *   <li>a requested expiry is truncated, then must be after now ({@link #expiry});
 *   <li>a personal key is recorded as {@code api_token.created}, a session as {@code
 *       session.created} ({@link #createdEvent});
 *   <li>one message for a user at the key limit ({@link #keyLimitReached}).
 * </ul>
 *
 * <p>Public for the sign-in ceremonies ({@code dev.harmont.server.signin}), which mint their
 * challenges, ids and events here too; only {@link Accounts#open} makes one.
 */
public final class Mint {
  private final Clock clock;
  private final Secrets secrets;
  private final Ids ids;
  private final SecureRandom random;

  Mint(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
    this.secrets = new Secrets(random);
    this.ids = new Ids(random);
  }

  /** The current instant at the precision the databases store. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  public Clock clock() {
    return clock;
  }

  public UUID id(Instant at) {
    return ids.next(at);
  }

  /**
   * {@code count} random bytes from the domain's {@link SecureRandom}: a WebAuthn challenge or user
   * handle.
   */
  public byte[] bytes(int count) {
    byte[] out = new byte[count];
    random.nextBytes(out);
    return out;
  }

  /** A new secret for a token of {@code kind} (the only copy there will be). */
  String secret(TokenKind kind) {
    return secrets.mint(kind);
  }

  /** A one-time code (sign-in link, CLI grant): see {@link Secrets#code}. */
  String code() {
    return secrets.code();
  }

  /** The token that {@code secret} authenticates, created {@code now}. */
  ApiToken token(
      String secret,
      UUID userId,
      TokenKind kind,
      String description,
      Instant now,
      Instant expiresAt) {
    return new ApiToken(
        id(now),
        userId,
        kind,
        description,
        Secrets.hint(secret),
        now,
        null,
        expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS),
        null);
  }

  /** The event recorded with a new token: {@code api_token.created} or {@code session.created}. */
  SecurityEvent createdEvent(ApiToken token, RequestContext context) {
    return token.kind() == TokenKind.PERSONAL
        ? event(
            token.userId(),
            SecurityEventType.API_TOKEN_CREATED,
            token.createdAt(),
            context,
            token.id())
        : event(
            token.userId(), SecurityEventType.SESSION_CREATED, token.createdAt(), context, null);
  }

  public SecurityEvent event(
      UUID userId, SecurityEventType type, Instant at, RequestContext context, UUID apiTokenId) {
    return SecurityEvent.of(id(at), userId, type, at, context, apiTokenId);
  }

  /**
   * A requested expiry as stored: null stays null (never expires); else truncated to microseconds
   * first, then it must be after {@code now}.
   *
   * @throws HarmontException {@link ErrorCode#API_TOKEN_EXPIRES_AT_NOT_IN_FUTURE}
   */
  static Instant expiry(Instant requested, Instant now) {
    if (requested == null) {
      return null;
    }
    Instant expiry = requested.truncatedTo(ChronoUnit.MICROS);
    if (!expiry.isAfter(now)) {
      throw new HarmontException(ErrorCode.API_TOKEN_EXPIRES_AT_NOT_IN_FUTURE);
    }
    return expiry;
  }

  /** The refusal for a user who already holds {@code max} live personal keys. */
  static HarmontException keyLimitReached(int max) {
    return new HarmontException(
        ErrorCode.API_TOKEN_LIMIT_REACHED,
        "You have reached the maximum of "
            + max
            + " live API keys. Revoke keys you no longer use, then try again.");
  }
}
