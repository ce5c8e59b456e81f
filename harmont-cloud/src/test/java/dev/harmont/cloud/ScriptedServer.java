package dev.harmont.cloud;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 and a free port that answers with scripted replies, in order, and
 * records every request it receives. Unscripted requests get a 500 that no test expects.
 */
final class ScriptedServer implements AutoCloseable {
  /** One scripted answer. {@code hold} keeps the exchange open (for timeouts) until close. */
  record Reply(int status, Map<String, String> headers, byte[] body, boolean hold, boolean drop) {
    static Reply json(int status, String json) {
      return new Reply(
          status,
          Map.of("Content-Type", "application/json; charset=utf-8"),
          json.getBytes(StandardCharsets.UTF_8),
          false,
          false);
    }

    static Reply noContent() {
      return new Reply(204, Map.of(), new byte[0], false, false);
    }

    static Reply text(int status, String contentType, String text) {
      return new Reply(
          status,
          Map.of("Content-Type", contentType),
          text.getBytes(StandardCharsets.UTF_8),
          false,
          false);
    }

    /** An envelope as the Harmont server writes it. */
    static Reply error(int status, String type, String code, String message, String requestId) {
      return json(
              status,
              "{\"error\":{\"type\":\""
                  + type
                  + "\",\"code\":\""
                  + code
                  + "\",\"message\":\""
                  + message
                  + "\",\"doc_url\":\"https://docs.harmont.dev/api/errors/"
                  + code
                  + "\",\"request_id\":\""
                  + requestId
                  + "\"}}")
          .withHeader("X-Request-Id", requestId);
    }

    /** Never answers (until the server closes): the client's request timeout fires. */
    static Reply hang() {
      return new Reply(200, Map.of(), new byte[0], true, false);
    }

    /** Closes the connection without any response. */
    static Reply dropConnection() {
      return new Reply(0, Map.of(), new byte[0], false, true);
    }

    Reply withHeader(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Reply(status, more, body, hold, drop);
    }
  }

  /** A request as received: header names lower-cased. */
  record Received(String method, URI uri, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : String.join(",", values);
    }

    String rawPath() {
      return uri.getRawPath();
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  private ScriptedServer(HttpServer server) {
    this.server = server;
  }

  static ScriptedServer start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ScriptedServer scripted = new ScriptedServer(server);
      server.createContext("/", scripted::handle);
      server.setExecutor(scripted.executor);
      server.start();
      return scripted;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  ScriptedServer enqueue(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  List<Received> requests() {
    return new ArrayList<>(received);
  }

  Received onlyRequest() {
    if (received.size() != 1) {
      throw new AssertionError("expected exactly one request, got " + received);
    }
    return received.get(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
      received.add(
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI(),
              headers,
              new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      Reply reply = script.poll();
      if (reply == null) {
        reply = Reply.text(500, "text/plain", "unscripted request");
      }
      if (reply.drop()) {
        return; // closing the exchange unanswered cuts the connection
      }
      if (reply.hold()) {
        awaitClose(Duration.ofSeconds(30));
        return;
      }
      reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      boolean empty = reply.body().length == 0;
      exchange.sendResponseHeaders(reply.status(), empty ? -1 : reply.body().length);
      if (!empty) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply.body());
        }
      }
    }
  }

  private void awaitClose(Duration max) {
    try {
      closing.await(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
