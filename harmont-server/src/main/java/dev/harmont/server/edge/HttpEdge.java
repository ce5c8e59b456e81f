package dev.harmont.server.edge;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One HTTP/1.x listener: Jetty 12's server, configured once here, the only class that knows it is
 * Jetty (issue 25's bake-off, bench/RESULTS.md). What Jetty does by itself and we rely on, each
 * guarded by EdgeConformanceTest and EdgeBehindProxiesTest: HTTP/1.0 with and without keep-alive
 * (nginx's default {@code proxy_pass}, HAProxy's default check), methods case-sensitive, {@code
 * Connection: close} honoured, pipelined requests answered in order, {@code 100 Continue} sent only
 * when a handler reads the body, HEAD answered without a body, a body left unread discarded or the
 * connection ended, one Host on an HTTP/1.1 request. What is configured here: the raw path reaches
 * the handler as sent (routing decides what {@code %2F} means, not the parser), no version in a
 * {@code Server} header, the parser's header limit, and a drain on stop.
 *
 * <p>Each request runs {@code handler} on a virtual thread of its own, blocking-style. A request
 * Jetty refuses before it reaches the handler (a malformed request line, headers past the parser's
 * limit) runs {@code refused} instead, with the status Jetty chose already set, so that it is
 * answered, counted and logged as every other.
 */
public final class HttpEdge implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  /**
   * What a listener serves and how.
   *
   * @param parserHeaderBytes the most request-line and header bytes Jetty reads before refusing the
   *     request itself (431)
   * @param drain how long a stop waits for requests in flight
   */
  public record Settings(
      String host,
      int port,
      Handler handler,
      Handler refused,
      int parserHeaderBytes,
      Duration drain) {}

  private HttpEdge(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Starts listening.
   *
   * @throws IOException when the address is in use or not available here
   */
  public static HttpEdge start(Settings settings) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("harmont-http-" + settings.port());
    threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(settings.parserHeaderBytes());
    http.setHttpCompliance(HttpCompliance.RFC9110);
    // The path reaches routing as sent: an encoded slash or dot segment is routing's to judge
    // (Routes answers 404 where Jetty's default would answer 400 "ambiguous").
    http.setUriCompliance(UriCompliance.UNSAFE);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    server.addConnector(connector);
    server.setHandler(new GracefulHandler(new Adapter(settings.handler())));
    server.setErrorHandler(new Refusals(settings.refused()));
    server.setStopTimeout(settings.drain().toMillis());
    server.setStopAtShutdown(false);
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly(server);
      throw e;
    } catch (Exception e) {
      stopQuietly(server);
      throw new IOException(e.getMessage(), e);
    }
    return new HttpEdge(server, connector);
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception ignored) {
      // Nothing was serving yet.
    }
  }

  /** The port listened on (the one chosen when 0 was asked for). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Stops listening, waits up to the drain period for requests in flight, then ends. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the HTTP listener: " + e.getMessage(), e);
    }
  }

  /** Runs our handler for every request Jetty parsed. */
  private static final class Adapter extends org.eclipse.jetty.server.Handler.Abstract {
    private final Handler handler;

    Adapter(Handler handler) {
      super(InvocationType.BLOCKING);
      this.handler = handler;
    }

    @Override
    public boolean handle(
        org.eclipse.jetty.server.Request request,
        org.eclipse.jetty.server.Response response,
        Callback callback)
        throws Exception {
      Response res = new Response(response, callback);
      if (request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_0
          && !request.getHeaders().contains(HttpHeader.CONNECTION, "keep-alive")) {
        // Jetty answers HTTP/1.1 (RFC 9110 §2.5) and closes; said in the answer too, so that the
        // client and any proxy between read it the same way (RFC 9112 §9.3, §9.6).
        res.header("Connection", "close");
      }
      try {
        handler.handle(new Request(request), res);
      } finally {
        if (!res.isSent()) {
          // A handler that answered nothing (a bug; ours always answer or throw to the edge's
          // error mapping): end the exchange rather than leave the client waiting.
          res.send();
        }
      }
      return true;
    }
  }

  /** Answers what Jetty refuses before any handler runs, through our {@code refused} handler. */
  private static final class Refusals extends ErrorHandler {
    private final Handler refused;

    Refusals(Handler refused) {
      this.refused = refused;
    }

    @Override
    public boolean handle(
        org.eclipse.jetty.server.Request request,
        org.eclipse.jetty.server.Response response,
        Callback callback)
        throws Exception {
      Response res = new Response(response, callback);
      Object status = request.getAttribute(ERROR_STATUS);
      res.status(status instanceof Integer code ? code : response.getStatus());
      refused.handle(new Request(request), res);
      if (!res.isSent()) {
        res.send();
      }
      return true;
    }
  }
}
