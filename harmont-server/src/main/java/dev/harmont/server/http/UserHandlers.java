package dev.harmont.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** getCurrentUser, updateCurrentUser, deleteCurrentUser and logout. */
final class UserHandlers {
  private final AccountService accounts;
  private final Bodies bodies;
  private final RequestContexts contexts;

  UserHandlers(AccountService accounts, Bodies bodies, RequestContexts contexts) {
    this.accounts = accounts;
    this.bodies = bodies;
    this.contexts = contexts;
  }

  void getCurrentUser(ServerRequest req, ServerResponse res, Authenticated who) {
    Responses.json(res, Status.OK_200, Wire.user(accounts.currentUser(who)));
  }

  void updateCurrentUser(ServerRequest req, ServerResponse res, Authenticated who) {
    ObjectNode body = bodies.optionalObject(req);
    if (body == null || !body.hasNonNull("name")) {
      throw new HarmontException(ErrorCode.USER_NAME_INVALID);
    }
    String name = Wire.optionalString(body, "name");
    Responses.json(res, Status.OK_200, Wire.user(accounts.rename(who, name, contexts.of(req))));
  }

  void deleteCurrentUser(ServerRequest req, ServerResponse res, Authenticated who) {
    accounts.deleteAccount(who);
    res.status(Status.NO_CONTENT_204).send();
  }

  void logout(ServerRequest req, ServerResponse res, Authenticated who) {
    accounts.logout(who, contexts.of(req));
    res.status(Status.NO_CONTENT_204).send();
  }
}
