package dev.harmont.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * {@code harmont login --web}: signs the CLI in through the browser, the standard way for native
 * apps (RFC 8252 loopback redirect, RFC 7636 PKCE S256, a {@code state} value). The console page
 * {@code /cli/authorize} asks the signed-in person, creates a one-time code bound to this login's
 * challenge and sends the browser back to {@link LoopbackReceiver}; the code and the verifier,
 * which never left this process, are traded for a personal API key ({@code POST
 * /api/v0/auth/cli-grants/exchange}). With {@code paste}, the page shows the code and the person
 * types it here instead (no listener; for machines reached over SSH), and Cancel there reaches this
 * prompt through the server ({@code POST /api/v0/auth/cli-grants/status}).
 *
 * <p>The exchange is one unauthenticated POST made here with the JDK's HTTP client: the SDK's
 * public API stays the seed's operations.
 */
final class WebLogin {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final int MAX_HOST_NAME = 80;

  /** How often a CLI waiting for a pasted code asks whether the person pressed Cancel. */
  static final Duration POLL = Duration.ofSeconds(2);

  private final CliContext context;
  private final String apiUrl;
  private final Duration timeout;

  WebLogin(CliContext context, String apiUrl, Duration timeout) {
    this.context = context;
    this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
    this.timeout = timeout;
  }

  /** Runs the loopback flow and returns the new key's secret. */
  String viaLoopback(boolean openBrowser) {
    WebLoginSecrets secrets = WebLoginSecrets.random(new SecureRandom());
    try (LoopbackReceiver receiver = LoopbackReceiver.start(secrets)) {
      URI url = authorizeUri(secrets, receiver.redirectUri());
      boolean opened = openBrowser && context.browser().open(url);
      context
          .err()
          .println(
              (opened
                      ? "Opened your browser to authorize this CLI. If it did not, open this"
                          + " address in a browser where you are signed in"
                      : "Open this address in a browser where you are signed in, and authorize"
                          + " this CLI")
                  + " (waiting up to "
                  + describe(timeout)
                  + "):");
      context.err().println(url);
      context.err().flush();
      LoopbackReceiver.Callback callback;
      try {
        callback = receiver.await(timeout);
      } catch (TimeoutException e) {
        throw new CliFailure(
            ExitCodes.AUTHENTICATION,
            "no answer from the browser within "
                + describe(timeout)
                + "; run `harmont login --web` again");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliFailure(ExitCodes.AUTHENTICATION, "interrupted while waiting for the browser");
      }
      return switch (callback) {
        case LoopbackReceiver.Denied denied -> {
          denied
              .page()
              .show(200, "Sign-in cancelled", "The CLI was not signed in. You can close this tab.");
          throw new CliFailure(
              ExitCodes.AUTHENTICATION,
              "access_denied".equals(denied.error())
                  ? "authorization was cancelled in the browser"
                  : "the browser reported `" + printable(denied.error()) + "`; nothing was saved");
        }
        case LoopbackReceiver.Code code -> {
          try {
            String token = exchange(code.code(), secrets.verifier());
            code.page()
                .show(
                    200,
                    "harmont CLI signed in",
                    "You can close this tab and return to your terminal.");
            yield token;
          } catch (RuntimeException e) {
            code.page()
                .show(
                    400,
                    "Sign-in failed",
                    "The CLI could not use this authorization. The terminal says why.");
            throw e;
          }
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1 for the browser", e);
    }
  }

  /** Runs the paste flow: prints the address, reads the code from a hidden prompt. */
  String viaPaste() {
    WebLoginSecrets secrets = WebLoginSecrets.random(new SecureRandom());
    URI url = authorizeUri(secrets, null);
    context
        .err()
        .println(
            "Open this address in a browser where you are signed in (on any machine), authorize"
                + " this CLI, then paste the code it shows:");
    context.err().println(url);
    context.err().flush();
    String code = awaitPastedCode(secrets.verifier());
    if (code == null || code.isBlank()) {
      throw new CliFailure(ExitCodes.AUTHENTICATION, "no code given; nothing was saved");
    }
    return exchange(code.strip(), secrets.verifier());
  }

  /**
   * Reads the pasted code while asking the server, every {@link #POLL}, whether the person pressed
   * Cancel on the page ({@code POST /api/v0/auth/cli-grants/status} with the verifier, which only
   * this process knows). A Cancel ends the wait with a failure; the prompt, which cannot be
   * interrupted, is left to the process's exit. A server that cannot be reached just means no news.
   */
  private String awaitPastedCode(String verifier) {
    CompletableFuture<String> pasted = new CompletableFuture<>();
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .name("harmont-paste-prompt")
            .start(
                () -> {
                  try {
                    pasted.complete(readPastedCode());
                  } catch (Throwable e) {
                    pasted.completeExceptionally(e);
                  }
                });
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      while (true) {
        try {
          return pasted.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (cancelledInTheBrowser(http, verifier)) {
            reader.interrupt();
            if (context.terminal().interactive()) {
              context.err().println(); // after the prompt
            }
            throw new CliFailure(
                ExitCodes.AUTHENTICATION,
                "authorization was cancelled in the browser; nothing was saved");
          }
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException failure) {
            throw failure;
          }
          throw new IllegalStateException("cannot read the code", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CliFailure(ExitCodes.AUTHENTICATION, "interrupted while waiting for the code");
        }
      }
    }
  }

  private String readPastedCode() {
    if (context.terminal().interactive()) {
      return context.terminal().readSecret("Code: ");
    }
    try {
      return context.in().readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the code from stdin", e);
    }
  }

  /** {@code POST /api/v0/auth/cli-grants/status}: true once the person pressed Cancel. */
  private boolean cancelledInTheBrowser(HttpClient http, String verifier) {
    String body = JSON.createObjectNode().put("code_verifier", verifier).toString();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(apiUrl + "/api/v0/auth/cli-grants/status"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          && "denied".equals(JSON.readTree(response.body()).path("status").asText());
    } catch (IOException e) {
      return false; // no news: keep waiting for the code
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * {@code API/cli/authorize?…}: the loopback redirect (absent in paste mode, which says {@code
   * mode=paste} instead), the challenge, the method, the state and the client name.
   */
  URI authorizeUri(WebLoginSecrets secrets, URI redirect) {
    Map<String, String> params = new LinkedHashMap<>();
    if (redirect != null) {
      params.put("redirect_uri", redirect.toString());
    } else {
      params.put("mode", "paste");
    }
    params.put("code_challenge", secrets.challenge());
    params.put("code_challenge_method", "S256");
    params.put("state", secrets.state());
    params.put("client_name", clientName());
    return URI.create(
        apiUrl
            + "/cli/authorize?"
            + params.entrySet().stream()
                .map(e -> e.getKey() + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&")));
  }

  /** {@code harmont CLI on HOSTNAME}: what the page shows and the key's description. */
  String clientName() {
    String host = context.env().get("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "an unnamed host";
      }
    }
    host = printable(host.strip());
    if (host.length() > MAX_HOST_NAME) {
      host = host.substring(0, MAX_HOST_NAME);
    }
    return "harmont CLI on " + host;
  }

  /** {@code POST /api/v0/auth/cli-grants/exchange}: the new key's secret, or a failure. */
  private String exchange(String code, String verifier) {
    String body =
        JSON.createObjectNode().put("code", code).put("code_verifier", verifier).toString();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(apiUrl + "/api/v0/auth/cli-grants/exchange"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliFailure(
          ExitCodes.NETWORK, "cannot reach " + apiUrl + " to finish the sign-in: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCodes.NETWORK, "interrupted while finishing the sign-in");
    }
    JsonNode json;
    try {
      json = JSON.readTree(response.body());
    } catch (IOException e) {
      json = null;
    }
    if (response.statusCode() == 201 && json != null && json.path("token").isTextual()) {
      return json.get("token").asText();
    }
    JsonNode error = json == null ? null : json.path("error");
    if (error == null || !error.path("message").isTextual()) {
      throw new CliFailure(
          ExitCodes.forStatus(response.statusCode()),
          "the sign-in exchange answered HTTP " + response.statusCode() + " without an error body");
    }
    throw new CliFailure(
        ExitCodes.forStatus(response.statusCode()),
        error.path("message").asText()
            + " (code "
            + error.path("code").asText("?")
            + ", request_id "
            + error.path("request_id").asText("none")
            + ")");
  }

  private static String encode(String value) {
    // Spaces as %20, not +: the page reads the query with URLSearchParams, which takes both,
    // but %20 is what every reader agrees on.
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(200)
        .forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
    return out.toString();
  }

  private static String describe(Duration d) {
    long seconds = d.toSeconds();
    if (seconds % 60 == 0) {
      return seconds / 60 + (seconds == 60 ? " minute" : " minutes");
    }
    return seconds + (seconds == 1 ? " second" : " seconds");
  }
}
