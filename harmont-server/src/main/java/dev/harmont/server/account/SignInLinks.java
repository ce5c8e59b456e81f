package dev.harmont.server.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One-time sign-in links, for operators onboarding people to the web console: {@link #issue} mints
 * a code for a user (shown once, stored as its SHA-256), {@link #redeem} trades it for a session
 * token. A code works once and for {@link #LINK_TTL}; unknown, used and expired codes are refused
 * alike ({@link ErrorCode#SIGN_IN_LINK_INVALID}), so a caller learns nothing about which.
 * Throttling failed redeems is the HTTP layer's job.
 */
public final class SignInLinks {
  /** How long a link can be redeemed. */
  public static final Duration LINK_TTL = Duration.ofMinutes(15);

  // Longer values are never ours; refusing them early keeps hashing bounded.
  private static final int MAX_CODE_LENGTH = 512;

  private final SignInLinkStore store;
  private final AccountService accounts;
  private final Clock clock;
  private final Secrets secrets;

  /** A link's secret code, the only copy there will be, and when it stops working. */
  public record Issued(String code, Instant expiresAt) {}

  public SignInLinks(
      SignInLinkStore store, AccountService accounts, Clock clock, SecureRandom random) {
    this.store = store;
    this.accounts = accounts;
    this.clock = clock;
    this.secrets = new Secrets(random);
  }

  /** Mints a sign-in link code for an existing user. */
  public Issued issue(String rawEmail) {
    User user = accounts.userByEmail(rawEmail);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String code = secrets.mint(TokenKind.SESSION);
    Instant expiresAt = now.plus(LINK_TTL);
    store.insert(Secrets.hash(code), user.id(), now, expiresAt);
    return new Issued(code, expiresAt);
  }

  /**
   * Spends a code and starts a session of {@code sessionTtl} for its user.
   *
   * @throws HarmontException {@link ErrorCode#SIGN_IN_LINK_INVALID} for a code that is malformed,
   *     unknown, already used or expired
   */
  public CreatedToken redeem(String code, Duration sessionTtl) {
    if (code == null
        || code.isEmpty()
        || code.length() > MAX_CODE_LENGTH
        || !AccountService.isToken68(code)) {
      throw new HarmontException(ErrorCode.SIGN_IN_LINK_INVALID);
    }
    UUID userId =
        store
            .consume(Secrets.hash(code), clock.instant())
            .orElseThrow(() -> new HarmontException(ErrorCode.SIGN_IN_LINK_INVALID));
    try {
      return accounts.startSession(userId, sessionTtl);
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.UNAUTHORIZED) {
        // The account was deleted between the link being spent and the session being stored.
        throw new HarmontException(ErrorCode.SIGN_IN_LINK_INVALID);
      }
      throw e;
    }
  }
}
