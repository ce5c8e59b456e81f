package dev.harmont.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.User;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;

/** getCurrentUser, updateCurrentUser, deleteCurrentUser and logout. */
final class UserHandlers {
  private static final int USER_BODIES = 4096;

  private final AccountService accounts;
  private final Bodies bodies;
  private final RequestContexts contexts;
  // getCurrentUser's body is the same bytes for as long as the user is unchanged, so it is made
  // once per user value (a record: equal fields, equal body; a rename is a new value), not per
  // request: building and serializing the tree was an eighth of this path's CPU (issue 16).
  private final Cache<User, byte[]> userBodies =
      Caffeine.newBuilder().maximumSize(USER_BODIES).executor(Runnable::run).build();

  UserHandlers(AccountService accounts, Bodies bodies, RequestContexts contexts) {
    this.accounts = accounts;
    this.bodies = bodies;
    this.contexts = contexts;
  }

  void getCurrentUser(Request req, Response res, Authenticated who) {
    byte[] body = userBodies.get(accounts.currentUser(who), user -> Json.bytes(Wire.user(user)));
    Responses.json(res, 200, body);
  }

  void updateCurrentUser(Request req, Response res, Authenticated who) {
    ObjectNode body = bodies.optionalObject(req);
    if (body == null || !body.hasNonNull("name")) {
      throw new HarmontException(ErrorCode.USER_NAME_INVALID);
    }
    String name = Wire.optionalString(body, "name");
    Responses.json(res, 200, Wire.user(accounts.rename(who, name, contexts.of(req))));
  }

  void deleteCurrentUser(Request req, Response res, Authenticated who) {
    accounts.deleteAccount(who);
    res.status(204).send();
  }

  void logout(Request req, Response res, Authenticated who) {
    accounts.logout(who, contexts.of(req));
    res.status(204).send();
  }
}
