package dev.harmont.server.http;

import dev.harmont.server.account.RequestContext;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

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

  RequestContext of(ServerRequest req) {
    String userAgent =
        req.headers().contains(HeaderNames.USER_AGENT)
            ? req.headers().get(HeaderNames.USER_AGENT).get()
            : null;
    RequestId requestId = req.context().get(RequestId.class).orElseThrow();
    return new RequestContext(clients.of(req), userAgent, requestId.value());
  }
}
