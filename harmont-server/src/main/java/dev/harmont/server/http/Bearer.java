package dev.harmont.server.http;

import dev.harmont.server.account.AuthOutcome;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.Authenticator;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Handler;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import java.util.List;

/**
 * Bearer authentication, written once and wrapped around every protected handler: {@code
 * Authorization: Bearer <secret>} (scheme case-insensitive) → {@link Authenticator#authenticate}.
 * Every failure is the same 401, whatever was wrong, so callers learn nothing about other keys.
 *
 * <p>A credential that authenticates is always served. A presented credential that is refused is
 * counted against its client address ({@link AuthThrottle}), and once that address is over its
 * allowance its refused credentials are answered 429 instead of 401. A request without an {@code
 * Authorization} header is a plain 401 and is not counted. The throttle is only consulted on
 * failure, so the path of a valid credential is unchanged by it.
 */
public final class Bearer {
  private final Authenticator authenticator;
  private final AuthThrottle throttle;
  private final ClientAddress clients;
  private final AuthOutcome.Listener outcomes;

  /**
   * @param outcomes told of the outcomes decided here (no credential, throttled); the account
   *     service tells the others
   */
  public Bearer(
      Authenticator authenticator,
      AuthThrottle throttle,
      ClientAddress clients,
      AuthOutcome.Listener outcomes) {
    this.authenticator = authenticator;
    this.throttle = throttle;
    this.clients = clients;
    this.outcomes = outcomes;
  }

  /** A handler that runs only for an authenticated caller. */
  @FunctionalInterface
  public interface AuthenticatedHandler {
    void handle(Request req, Response res, Authenticated who);
  }

  /** {@code handler}, run only once the request's bearer credential authenticates. */
  public Handler protect(AuthenticatedHandler handler) {
    return (req, res) -> handler.handle(req, res, authenticate(req));
  }

  /**
   * Who sent this request.
   *
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED}, or {@link ErrorCode#RATE_LIMITED} when
   *     the credential is refused and its address is over the limit
   */
  public Authenticated authenticate(Request req) {
    if (!req.hasHeader("Authorization")) {
      outcomes.outcome(AuthOutcome.MISSING);
      throw new HarmontException(
          ErrorCode.UNAUTHORIZED,
          "Missing bearer token. Send `Authorization: Bearer <token>` with an API key.");
    }
    try {
      return authenticator.authenticate(presentedSecret(req));
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.UNAUTHORIZED) {
        HarmontException answer = throttle.refuse(clients.of(req), e);
        if (answer != e) {
          outcomes.outcome(AuthOutcome.THROTTLED);
        }
        throw answer;
      }
      throw e;
    }
  }

  private String presentedSecret(Request req) {
    List<String> values = req.headerValues("Authorization");
    if (values.size() != 1) {
      outcomes.outcome(AuthOutcome.UNKNOWN);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    String secret = secretOf(values.get(0));
    if (secret == null) {
      outcomes.outcome(AuthOutcome.MISSING);
      throw new HarmontException(
          ErrorCode.UNAUTHORIZED,
          "The Authorization header must use the Bearer scheme: `Authorization: Bearer <token>`.");
    }
    return secret;
  }

  /**
   * The secret the request presents in its one {@code Authorization: Bearer} header, unchecked;
   * null when it has no such header (none, several, another scheme). For what must be decided
   * before authentication ({@link IdempotentPosts}); counts nothing.
   */
  static String presented(Request req) {
    if (!req.hasHeader("Authorization")) {
      return null;
    }
    List<String> values = req.headerValues("Authorization");
    return values.size() == 1 ? secretOf(values.get(0)) : null;
  }

  /** What follows the Bearer scheme (any case) in an Authorization value; null for others. */
  private static String secretOf(String header) {
    String value = header.strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("bearer")) {
      return null;
    }
    return value.substring(space + 1).strip();
  }
}
