package dev.harmont.server.edge;

import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * One HTTP/1.x listener: Helidon SE 4.5's web server, configured once here, the only class besides
 * {@link MethodCase} that knows it is Helidon (why Helidon, and what it costs: issue 25's bake-off
 * in bench/RESULTS.md). Handlers see {@link Request} and {@link Response} only.
 *
 * <p>What is Helidon's to do and is done here or in {@link MethodCase} where Helidon does not
 * (guarded by EdgeConformanceTest and EdgeBehindProxiesTest): HTTP/1.0 answered, methods as sent,
 * {@code Connection: close} honoured, HEAD without a body, one Host on an HTTP/1.1 request, and a
 * body a handler left unread never parsed as a next request (drained, or the connection ended).
 * Each request runs {@code handler} on the connection's virtual thread, blocking-style. A request
 * Helidon refuses before routing (malformed, headers past its parser's limit) runs {@code refused}
 * instead, with the status already set, so that it is answered, counted and logged as every other.
 */
public final class HttpEdge implements AutoCloseable {
  private final WebServer server;

  /**
   * What a listener serves and how.
   *
   * @param maxHeaderBytes the header limit the handler enforces; the parser's own is 4 × that (at
   *     least 64 KiB), past which {@code refused} answers 431
   * @param maxBodyBytes the body limit: a larger body left unread ends the connection rather than
   *     being drained
   * @param drain how long a stop waits for requests in flight
   */
  public record Settings(
      String host,
      int port,
      Handler handler,
      Handler refused,
      int maxHeaderBytes,
      int maxBodyBytes,
      Duration drain) {}

  private HttpEdge(WebServer server) {
    this.server = server;
  }

  /**
   * Starts listening.
   *
   * @throws IOException when the address is in use or not available here
   */
  public static HttpEdge start(Settings settings) throws IOException {
    // Host is checked by MethodCase instead (an HTTP/1.0 request needs none; Helidon's check has
    // no other replacement yet).
    @SuppressWarnings("removal")
    Http1Config http1 =
        Http1Config.builder()
            .maxHeadersSize(Math.max(4 * settings.maxHeaderBytes(), 64 * 1024))
            .maxPrologueLength(8192)
            .validateRequestHostHeader(false)
            // Helidon re-checks every response header value, char by char, on every response (~9 %
            // of the CPU of GET /api/v0/user, bench/RESULTS.md issue 16). Every value we send is a
            // constant, a number, a value we made (request id, ETag) or an inbound value checked
            // before it is echoed (X-Request-Id by RequestId, Origin by CorsFilter: visible ASCII
            // only); LimitsAndProtectionsTest and RequestIdTest hold that.
            .validateResponseHeaders(false)
            .build();
    WebServer server =
        WebServer.builder()
            .host(settings.host())
            .port(settings.port())
            .shutdownHook(false)
            .shutdownGracePeriod(settings.drain())
            // The body limit is enforced while reading (Bodies). Helidon's own limit is the drain
            // cap: a refused or ignored body up to this size is read and discarded, so the
            // connection stays usable and no byte of it is parsed as a next request; past it the
            // connection is closed.
            .maxPayloadSize(Math.max(16L * settings.maxBodyBytes(), 1024 * 1024))
            .addProtocol(http1)
            .addConnectionSelector(MethodCase.selector(http1))
            .directHandlers(refusals(settings.refused(), http1.maxHeadersSize()))
            .routing(
                HttpRouting.builder()
                    .any(
                        (req, res) -> serve(settings.handler(), settings.maxBodyBytes(), req, res)))
            .build()
            .start();
    if (!server.isRunning()) {
      // Helidon logs why, stops and returns.
      throw new IOException("the address is in use or not available here (see the log above)");
    }
    return new HttpEdge(server);
  }

  /** The port listened on (the one chosen when 0 was asked for). */
  public int port() {
    return server.port();
  }

  /** Stops listening, waits up to the drain period for requests in flight, then ends. */
  @Override
  public void close() {
    server.stop();
  }

  private static void serve(
      Handler handler, int maxBodyBytes, ServerRequest req, ServerResponse res) throws Exception {
    boolean[] unread = {false};
    Response response = new Response((status, headers, body) -> send(res, status, headers, body));
    // First of the hooks, so that the Connection it may set is in the answer and its log line.
    response.beforeSend(() -> unread[0] = discardUnreadBody(req, response, maxBodyBytes));
    handler.handle(new Request(req), response);
    if (!response.isSent()) {
      // A handler that answered nothing (a bug; ours answer or throw to the error mapping): end
      // the exchange rather than leave the client waiting.
      response.send();
    }
    if (unread[0]) {
      // The answer is out; end the connection so the rest of that body is never parsed.
      throw new CloseConnectionException("request body left unread");
    }
  }

  private static void send(ServerResponse res, int status, List<String> headers, byte[] body) {
    res.status(Status.create(status));
    for (int i = 0; i < headers.size(); i += 2) {
      res.header(HeaderNames.create(headers.get(i)), headers.get(i + 1));
    }
    res.send(body);
  }

  /**
   * Helidon does not drain a body the handler left unread when the response says {@code Connection:
   * close}, yet it keeps reading the connection: the body would be parsed as the next request, one
   * no proxy in front ever saw (request smuggling). Drains it before answering, or says {@code
   * Connection: close}; true when the connection must end after the answer.
   */
  private static boolean discardUnreadBody(ServerRequest req, Response res, int maxBodyBytes) {
    if (!req.content().hasEntity() || req.content().consumed()) {
      return false;
    }
    if (req.headers().containsToken(HeaderValues.EXPECT_100)
        || req.headers().contentLength().orElse(0) > maxBodyBytes) {
      // The client waits for 100 Continue before sending the body (RFC 9110 §10.1.1), or the body
      // is over the limit: answer the refusal at once, without asking for or reading the body,
      // and end the connection, the only way to never parse what it may still send.
      res.header("Connection", "close");
      return true;
    }
    try {
      // Bounded: a declared length over the body limit never gets here, and a streamed one stops
      // at the server's payload limit.
      req.content().consume();
      return false;
    } catch (RuntimeException e) {
      // Cut short or over the limit while streaming: what is left of the body cannot be told apart
      // from a next request, so this connection ends with this response.
      res.header("Connection", "close");
      return true;
    }
  }

  /**
   * What Helidon answers on its own (before routing: a malformed request, headers past the parser's
   * limit), through {@code refused}.
   *
   * @param parserHeaderLimit the parser's header limit: a request refused after reading more header
   *     bytes than that is answered 431, where Helidon says only 400
   */
  private static DirectHandlers refusals(Handler refused, int parserHeaderLimit) {
    DirectHandler handler =
        (request, type, status, headers, message) -> {
          int code = status.code();
          // Headers past the parser's own limit: Helidon says only "bad request" (MethodCase).
          if (code == 400 && MethodCase.headerBytesRead() >= parserHeaderLimit) {
            code = 431;
          }
          DirectHandler.TransportResponse[] answer = {null};
          Response response =
              new Response(
                  (answerStatus, answerHeaders, body) ->
                      answer[0] = transportResponse(headers, answerStatus, answerHeaders, body));
          response.status(code);
          try {
            refused.handle(new Request(request), response);
          } catch (Exception e) {
            throw new IllegalStateException("answering a refused request", e);
          }
          if (!response.isSent()) {
            response.send();
          }
          return answer[0];
        };
    DirectHandlers.Builder builder = DirectHandlers.builder();
    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
      builder.addHandler(type, handler);
    }
    return builder.build();
  }

  private static DirectHandler.TransportResponse transportResponse(
      ServerResponseHeaders headers, int status, List<String> names, byte[] body) {
    for (int i = 0; i < names.size(); i += 2) {
      Header header = HeaderValues.create(HeaderNames.create(names.get(i)), names.get(i + 1));
      headers.set(header);
    }
    return DirectHandler.TransportResponse.builder()
        .status(Status.create(status))
        .headers(headers)
        .entity(body)
        .build();
  }
}
