package dev.harmont.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;

/** listApiTokens, createApiToken and revokeApiToken. */
final class ApiTokenHandlers {
  private final AccountService accounts;
  private final Bodies bodies;

  ApiTokenHandlers(AccountService accounts, Bodies bodies) {
    this.accounts = accounts;
    this.bodies = bodies;
  }

  void listApiTokens(ServerRequest req, ServerResponse res, Authenticated who) {
    Responses.json(res, Status.OK_200, Wire.apiTokenList(accounts.listApiTokens(who)));
  }

  void createApiToken(ServerRequest req, ServerResponse res, Authenticated who) {
    ObjectNode body = bodies.optionalObject(req);
    String description = Wire.optionalString(body, "description");
    Instant expiresAt =
        Wire.optionalDateTime(body, "expires_at", ErrorCode.API_TOKEN_EXPIRES_AT_INVALID);
    Responses.json(
        res,
        Status.CREATED_201,
        Wire.created(accounts.createApiToken(who, description, expiresAt)));
  }

  void revokeApiToken(ServerRequest req, ServerResponse res, Authenticated who) {
    accounts.revokeApiToken(who, Routes.parameter(req));
    res.status(Status.NO_CONTENT_204).send();
  }
}
