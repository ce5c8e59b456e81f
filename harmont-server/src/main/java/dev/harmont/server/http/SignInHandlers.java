package dev.harmont.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.SignInLinks;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;

/**
 * The web console's two ways in: createSession (an API key traded for a session token) and
 * redeemSignInLink (a one-time link's code traded for one). A refused code is a failed
 * authentication for {@link AuthThrottle}, like a refused bearer token, so codes cannot be guessed
 * faster than keys.
 */
final class SignInHandlers {
  private final AccountService accounts;
  private final SignInLinks links;
  private final Bodies bodies;
  private final Duration sessionTtl;
  private final AuthThrottle throttle;
  private final ClientAddress clients;

  SignInHandlers(
      AccountService accounts,
      SignInLinks links,
      Bodies bodies,
      Duration sessionTtl,
      AuthThrottle throttle,
      ClientAddress clients) {
    this.accounts = accounts;
    this.links = links;
    this.bodies = bodies;
    this.sessionTtl = sessionTtl;
    this.throttle = throttle;
    this.clients = clients;
  }

  void createSession(ServerRequest req, ServerResponse res, Authenticated who) {
    Responses.json(res, Status.CREATED_201, Wire.session(accounts.createSession(who, sessionTtl)));
  }

  void redeemSignInLink(ServerRequest req, ServerResponse res) {
    String client = clients.of(req);
    throttle.check(client);
    ObjectNode body = bodies.optionalObject(req);
    String code = Wire.optionalString(body, "code");
    try {
      Responses.json(res, Status.CREATED_201, Wire.session(links.redeem(code, sessionTtl)));
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.SIGN_IN_LINK_INVALID) {
        throttle.recordFailure(client);
      }
      throw e;
    }
  }
}
