package dev.harmont.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.SignInLinks;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;

/**
 * The web console's two ways in: createSession (an API key traded for a session token) and
 * redeemSignInLink (a one-time link's code traded for one). A refused code is a failed
 * authentication for {@link AuthThrottle}, like a refused bearer token, so codes cannot be guessed
 * faster than keys. Both record {@code session.created} in the security log.
 */
final class SignInHandlers {
  private final AccountService accounts;
  private final SignInLinks links;
  private final Bodies bodies;
  private final AuthThrottle throttle;
  private final ClientAddress clients;
  private final RequestContexts contexts;

  SignInHandlers(
      AccountService accounts,
      SignInLinks links,
      Bodies bodies,
      AuthThrottle throttle,
      ClientAddress clients,
      RequestContexts contexts) {
    this.accounts = accounts;
    this.links = links;
    this.bodies = bodies;
    this.throttle = throttle;
    this.clients = clients;
    this.contexts = contexts;
  }

  void createSession(Request req, Response res, Authenticated who) {
    Responses.json(res, 201, Wire.session(accounts.createSession(who, contexts.of(req))));
  }

  void redeemSignInLink(Request req, Response res) {
    String client = clients.of(req);
    ObjectNode body = bodies.optionalObject(req);
    String code = Wire.optionalString(body, "code");
    try {
      Responses.json(res, 201, Wire.session(links.redeem(code, contexts.of(req))));
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.SIGN_IN_LINK_INVALID) {
        // Counted like a refused credential; past the limit, answered 429 instead.
        throw throttle.refuse(client, e);
      }
      throw e;
    }
  }
}
