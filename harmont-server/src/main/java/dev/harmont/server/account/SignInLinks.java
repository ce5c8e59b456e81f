package dev.harmont.server.account;

import java.time.Duration;
import java.time.Instant;
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

  private final SignInLinkStore store;
  private final AccountService accounts;
  private final Mint mint;

  /** A link's secret code, the only copy there will be, and when it stops working. */
  public record Issued(String code, Instant expiresAt) {}

  SignInLinks(SignInLinkStore store, AccountService accounts, Mint mint) {
    this.store = store;
    this.accounts = accounts;
    this.mint = mint;
  }

  /** Mints a sign-in link code for an existing user. */
  public Issued issue(String rawEmail) {
    User user = accounts.userByEmail(rawEmail);
    Instant now = mint.now();
    String code = mint.code();
    Instant expiresAt = now.plus(LINK_TTL);
    store.insert(Secrets.hash(code), user.id(), now, expiresAt);
    return new Issued(code, expiresAt);
  }

  /**
   * Spends a code and starts a session of the configured lifetime for its user, recorded as {@code
   * session.created} with {@code context}.
   *
   * @throws HarmontException {@link ErrorCode#SIGN_IN_LINK_INVALID} for a code that is malformed,
   *     unknown, already used or expired
   */
  public CreatedToken redeem(String code, RequestContext context) {
    if (!Secrets.isPresentable(code)) {
      throw new HarmontException(ErrorCode.SIGN_IN_LINK_INVALID);
    }
    UUID userId =
        store
            .consume(Secrets.hash(code), mint.now())
            .orElseThrow(() -> new HarmontException(ErrorCode.SIGN_IN_LINK_INVALID));
    try {
      return accounts.startSession(userId, SignInMethod.SIGN_IN_LINK, context);
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.UNAUTHORIZED) {
        // The account was deleted between the link being spent and the session being stored.
        throw new HarmontException(ErrorCode.SIGN_IN_LINK_INVALID);
      }
      throw e;
    }
  }
}
