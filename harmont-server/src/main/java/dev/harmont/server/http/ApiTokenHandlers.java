package dev.harmont.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.AccountService.ExpiryChange;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import java.time.Duration;
import java.time.Instant;

/** listApiTokens, createApiToken, rotateApiToken and revokeApiToken. */
final class ApiTokenHandlers {
  private final AccountService accounts;
  private final Bodies bodies;
  private final RequestContexts contexts;

  ApiTokenHandlers(AccountService accounts, Bodies bodies, RequestContexts contexts) {
    this.accounts = accounts;
    this.bodies = bodies;
    this.contexts = contexts;
  }

  void listApiTokens(Request req, Response res, Authenticated who) {
    Responses.json(res, 200, Wire.apiTokenList(accounts.listApiTokens(who)));
  }

  void createApiToken(Request req, Response res, Authenticated who) {
    ObjectNode body = bodies.optionalObject(req);
    String description = Wire.optionalString(body, "description");
    Instant expiresAt =
        Wire.optionalDateTime(body, "expires_at", ErrorCode.API_TOKEN_EXPIRES_AT_INVALID);
    Responses.json(
        res,
        201,
        Wire.created(accounts.createApiToken(who, description, expiresAt, contexts.of(req))));
  }

  void rotateApiToken(Request req, Response res, Authenticated who) {
    ObjectNode body = bodies.optionalObject(req);
    // Absent: the key's lifetime again; null: never expires; a date-time: as create takes it.
    ExpiryChange expiry =
        body == null || !body.has("expires_at")
            ? ExpiryChange.KEEP_LIFETIME
            : ExpiryChange.to(
                Wire.optionalDateTime(body, "expires_at", ErrorCode.API_TOKEN_EXPIRES_AT_INVALID));
    Responses.json(
        res,
        201,
        Wire.created(
            accounts.rotateApiToken(
                who, Routes.parameter(req), expiry, gracePeriod(body), contexts.of(req))));
  }

  /** {@code grace_period_seconds}: absent or null is 0; else a JSON integer (range: the domain). */
  private static Duration gracePeriod(ObjectNode body) {
    JsonNode node = body == null ? null : body.get("grace_period_seconds");
    if (node == null || node.isNull()) {
      return Duration.ZERO;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new HarmontException(ErrorCode.API_TOKEN_GRACE_PERIOD_INVALID);
    }
    return Duration.ofSeconds(node.longValue());
  }

  void revokeApiToken(Request req, Response res, Authenticated who) {
    accounts.revokeApiToken(who, Routes.parameter(req), contexts.of(req));
    res.status(204).send();
  }
}
