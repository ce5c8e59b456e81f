package dev.harmont.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The loopback listener of {@code harmont login --web} (RFC 8252 section 7.3): an HTTP server on
 * 127.0.0.1 and a port the system picks, nothing else, that waits for the browser to come back to
 * {@value #PATH}. It accepts exactly one callback whose {@code state} is this login's; any other
 * request gets a 400 page and is ignored, so a page that guesses the port cannot end the login. The
 * browser's answer to the accepted callback waits until the login is done, so the page it shows
 * tells the truth.
 */
final class LoopbackReceiver implements AutoCloseable {
  static final String PATH = "/callback";
  // How long the browser's request is held while the CLI exchanges the code.
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(60);

  /** What came back from the browser, with the way to answer it. */
  sealed interface Callback {
    Page page();
  }

  /** The person authorized: a one-time code to exchange. */
  record Code(String code, Page page) implements Callback {
    @Override
    public String toString() {
      return "Code[<redacted>]";
    }
  }

  /** The person cancelled ({@code error=access_denied}) or the console reported another error. */
  record Denied(String error, Page page) implements Callback {}

  /** The browser's pending answer. */
  static final class Page {
    private final CompletableFuture<String[]> answer = new CompletableFuture<>();

    /** Shows {@code title} and {@code message} in the browser tab and lets its request finish. */
    void show(int status, String title, String message) {
      answer.complete(new String[] {Integer.toString(status), title, message});
    }
  }

  private final WebLoginSecrets secrets;
  private final HttpServer server;
  private final ExecutorService executor;
  private final CompletableFuture<Callback> callback = new CompletableFuture<>();
  private final AtomicBoolean claimed = new AtomicBoolean();

  private LoopbackReceiver(WebLoginSecrets secrets) throws IOException {
    this.secrets = secrets;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts listening on 127.0.0.1 and a free port. */
  static LoopbackReceiver start(WebLoginSecrets secrets) throws IOException {
    return new LoopbackReceiver(secrets);
  }

  /** Where the browser is to be sent back: {@code http://127.0.0.1:PORT/callback}. */
  URI redirectUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
  }

  /**
   * Waits for the one callback whose state matches.
   *
   * @throws TimeoutException when none came within {@code timeout}
   */
  Callback await(Duration timeout) throws TimeoutException, InterruptedException {
    try {
      return callback.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the receiver never fails its callback", e);
    }
  }

  /** Stops listening, after the accepted callback's page is answered (1 s at most). */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      if (!PATH.equals(uri.getPath())) {
        respond(exchange, 404, "Not found", "Nothing here. You can close this tab.");
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "Not allowed", "Only the browser's redirect is expected here.");
        return;
      }
      Map<String, String> params = query(uri.getRawQuery());
      String code = params.get("code");
      String error = params.get("error");
      boolean oneOutcome = (code == null) != (error == null);
      if (params.isEmpty()
          || !secrets.stateMatches(params.get("state"))
          || !oneOutcome
          || !claimed.compareAndSet(false, true)) {
        respond(
            exchange,
            400,
            "Not this sign-in",
            "This link does not belong to the harmont login that is waiting, or that login was"
                + " already answered. It was ignored. You can close this tab.");
        return;
      }
      Page page = new Page();
      callback.complete(code != null ? new Code(code, page) : new Denied(error, page));
      String[] answer;
      try {
        answer = page.answer.get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException | ExecutionException | TimeoutException e) {
        answer = new String[] {"500", "Sign-in interrupted", "Check the terminal for details."};
      }
      respond(exchange, Integer.parseInt(answer[0]), answer[1], answer[2]);
    }
  }

  /** The query's parameters; empty when malformed or when a name repeats. */
  private static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name;
      String value;
      try {
        name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Map.of();
      }
      if (params.put(name, value) != null) {
        return Map.of(); // a repeated name is ambiguous: refuse rather than pick one
      }
    }
    return params;
  }

  private static void respond(HttpExchange exchange, int status, String title, String message)
      throws IOException {
    String html =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>"
            + escape(title)
            + " · harmont</title></head>"
            + "<body style=\"font-family: system-ui, sans-serif; max-width: 32rem;"
            + " margin: 4rem auto; padding: 0 1rem; line-height: 1.5\">"
            + "<h1 style=\"font-size: 1.4rem\">"
            + escape(title)
            + "</h1><p>"
            + escape(message)
            + "</p></body></html>";
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "text/html; charset=utf-8");
    headers.set("Cache-Control", "no-store");
    // Nothing to load, nothing to run, and the address with the code never sent anywhere.
    headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
