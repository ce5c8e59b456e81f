package dev.harmont.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.CliGrants;
import dev.harmont.server.account.CreatedCliGrant;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;

/**
 * createCliGrant (the console, on behalf of its signed-in user) and exchangeCliGrant (the CLI, with
 * no bearer: the code and its verifier are the credential); denyCliGrant (the console's Cancel) and
 * getCliGrantStatus (a CLI waiting for a pasted code learns of that Cancel). A failed exchange
 * counts as a failed authentication for {@link AuthThrottle}, like a refused bearer token, and a
 * blocked client is refused before its code is looked at.
 */
final class CliGrantHandlers {
  private final RequestContexts contexts;
  private final CliGrants grants;
  private final Bodies bodies;
  private final AuthThrottle throttle;
  private final ClientAddress clients;

  CliGrantHandlers(
      CliGrants grants,
      Bodies bodies,
      AuthThrottle throttle,
      ClientAddress clients,
      RequestContexts contexts) {
    this.contexts = contexts;
    this.grants = grants;
    this.bodies = bodies;
    this.throttle = throttle;
    this.clients = clients;
  }

  void createCliGrant(Request req, Response res, Authenticated who) {
    ObjectNode body = bodies.optionalObject(req);
    CreatedCliGrant created =
        grants.create(
            who,
            Wire.optionalString(body, "code_challenge"),
            Wire.optionalString(body, "code_challenge_method"),
            Wire.optionalString(body, "client_name"),
            Wire.optionalString(body, "redirect_uri"));
    ObjectNode out = Json.object();
    out.put("code", created.code());
    out.put("expires_at", Wire.instant(created.expiresAt()));
    Responses.json(res, 201, out);
  }

  void exchangeCliGrant(Request req, Response res) {
    String client = clients.of(req);
    try {
      ObjectNode body = bodies.optionalObject(req);
      Responses.json(
          res,
          201,
          Wire.created(
              grants.exchange(text(body, "code"), text(body, "code_verifier"), contexts.of(req))));
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.CLI_GRANT_INVALID) {
        // Counted like a refused credential; past the limit, answered 429 instead.
        throw throttle.refuse(client, e);
      }
      throw e;
    }
  }

  /**
   * denyCliGrant: the console's Cancel, on behalf of its signed-in user, for a CLI waiting for a
   * pasted code; 204.
   */
  void denyCliGrant(Request req, Response res, Authenticated who) {
    ObjectNode body = bodies.optionalObject(req);
    grants.deny(
        who,
        Wire.optionalString(body, "code_challenge"),
        Wire.optionalString(body, "code_challenge_method"),
        Wire.optionalString(body, "client_name"));
    res.status(204).send();
  }

  /**
   * getCliGrantStatus: asked by a CLI waiting for a pasted code, with its verifier; {@code
   * {"status":"pending"}} or {@code {"status":"denied"}}. A malformed verifier counts as a failed
   * authentication, like a failed exchange.
   */
  void getCliGrantStatus(Request req, Response res) {
    String client = clients.of(req);
    try {
      ObjectNode body = bodies.optionalObject(req);
      ObjectNode out = Json.object();
      out.put("status", grants.isDenied(text(body, "code_verifier")) ? "denied" : "pending");
      Responses.json(res, 200, out);
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.CLI_GRANT_INVALID) {
        throw throttle.refuse(client, e);
      }
      throw e;
    }
  }

  /** A string field, or null: a field of another type is as wrong as a wrong value. */
  private static String text(ObjectNode body, String field) {
    JsonNode node = body == null ? null : body.get(field);
    return node != null && node.isTextual() ? node.textValue() : null;
  }
}
