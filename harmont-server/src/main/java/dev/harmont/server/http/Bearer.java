package dev.harmont.server.http;

import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.AuthOutcome;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * Bearer authentication, written once and wrapped around every protected handler: {@code
 * Authorization: Bearer <secret>} (scheme case-insensitive) → {@link AccountService#authenticate}.
 * Every failure is the same 401, whatever was wrong, so callers learn nothing about other keys; too
 * many failures from one address are throttled ({@link AuthThrottle}).
 */
final class Bearer {
  private final AccountService accounts;
  private final AuthThrottle throttle;
  private final ClientAddress clients;
  private final AuthOutcome.Listener outcomes;

  /**
   * @param outcomes told of the outcomes decided here (no credential, throttled); the account
   *     service tells the others
   */
  Bearer(
      AccountService accounts,
      AuthThrottle throttle,
      ClientAddress clients,
      AuthOutcome.Listener outcomes) {
    this.accounts = accounts;
    this.throttle = throttle;
    this.clients = clients;
    this.outcomes = outcomes;
  }

  /** A handler that runs only for an authenticated caller. */
  @FunctionalInterface
  interface AuthenticatedHandler {
    void handle(ServerRequest req, ServerResponse res, Authenticated who);
  }

  Handler protect(AuthenticatedHandler handler) {
    return (req, res) -> {
      String client = clients.of(req);
      // Checked before the token is even looked at: a blocked client learns nothing more.
      try {
        throttle.check(client);
      } catch (HarmontException e) {
        outcomes.outcome(AuthOutcome.THROTTLED);
        throw e;
      }
      Authenticated who;
      try {
        who = authenticate(req);
      } catch (HarmontException e) {
        if (e.code() == ErrorCode.UNAUTHORIZED) {
          throttle.recordFailure(client);
        }
        throw e;
      }
      handler.handle(req, res, who);
    };
  }

  private Authenticated authenticate(ServerRequest req) {
    if (!req.headers().contains(HeaderNames.AUTHORIZATION)) {
      outcomes.outcome(AuthOutcome.MISSING);
      throw new HarmontException(
          ErrorCode.UNAUTHORIZED,
          "Missing bearer token. Send `Authorization: Bearer <token>` with an API key.");
    }
    List<String> values = req.headers().get(HeaderNames.AUTHORIZATION).allValues();
    if (values.size() != 1) {
      outcomes.outcome(AuthOutcome.UNKNOWN);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    String value = values.get(0).strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("bearer")) {
      outcomes.outcome(AuthOutcome.MISSING);
      throw new HarmontException(
          ErrorCode.UNAUTHORIZED,
          "The Authorization header must use the Bearer scheme: `Authorization: Bearer <token>`.");
    }
    return accounts.authenticate(value.substring(space + 1).strip());
  }
}
