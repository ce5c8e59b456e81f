package dev.harmont.server.http;

import dev.harmont.server.account.RequestContext;
import dev.harmont.server.edge.Request;

/**
 * Builds the {@link RequestContext} a handler passes to the account domain with every change: the
 * client address ({@link ClientAddress}, trusted proxies considered), the user agent (cleaned and
 * cut by the record) and this request's id, the one the response carries as {@code X-Request-Id}.
 * Built only by handlers that change something, so read-only requests pay nothing for it.
 */
final class RequestContexts {
  private final ClientAddress clients;

  RequestContexts(ClientAddress clients) {
    this.clients = clients;
  }

  RequestContext of(Request req) {
    String userAgent = req.header("User-Agent").orElse(null);
    RequestId requestId = req.get(RequestId.class).orElseThrow();
    return new RequestContext(clients.of(req), userAgent, requestId.value());
  }
}
