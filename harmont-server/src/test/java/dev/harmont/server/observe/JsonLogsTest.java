package dev.harmont.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With JSON logs every line the server writes (access and application, ours and the libraries') is
 * one JSON object with time, level, logger and message; access lines add method, route (template),
 * status, latency and request id; an internal error adds its request id and stack. No secret,
 * header or query string ever appears.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.harmont.server.testing.Backend#all")
class JsonLogsTest {
  private static final String TOKENS = "/api/v0/user/api-tokens";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> LEVELS = Set.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

  @Parameter Backend backend;

  /** What a console handler with the JSON formatter would print, line by line. */
  private static final class JsonCapture extends Handler {
    final Queue<String> lines = new ConcurrentLinkedQueue<>();

    JsonCapture() {
      setFormatter(new JsonLogFormatter());
      setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord record) {
      if (isLoggable(record)) {
        lines.add(getFormatter().format(record));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private final JsonCapture capture = new JsonCapture();

  @BeforeEach
  void capture() {
    Logger.getLogger("").addHandler(capture);
  }

  @AfterEach
  void release() {
    Logger.getLogger("").removeHandler(capture);
  }

  @Test
  void everyLineIsOneJsonObjectWithTheFieldsAndNoSecret() throws Exception {
    List<String> secrets = new ArrayList<>();
    String internalErrorId;
    try (TestServer server = TestServer.start(backend, config -> config)) {
      Api api = new Api(server.baseUri());
      TestUser ada = server.newUser();
      secrets.add(ada.token());
      Response created = api.post(TOKENS, ada.token(), "{\"description\":\"json logs\"}");
      String key = created.json().get("token").asText();
      String keyId = created.json().at("/api_token/id").asText();
      secrets.add(key);
      String madeUp = "hm_madeUpSecretThatMustNeverBeLogged0123456789";
      secrets.add(madeUp);

      send(server, "GET", "/api/v0/user?api_key=" + key, ada.token(), "json-logs-get");
      send(server, "GET", "/api/v0/user", madeUp, "json-logs-401");
      send(server, "DELETE", TOKENS + "/" + keyId, ada.token(), "json-logs-delete");
      send(server, "GET", "/nowhere/" + keyId, null, "json-logs-404");
      // Injected fault: an internal error is logged with its request id and stack.
      TestUser bob = server.newUser();
      secrets.add(bob.token());
      server.server().database().close();
      internalErrorId = send(server, "GET", "/api/v0/user", bob.token(), "json-logs-500");
      awaitAccessLine("json-logs-500");
    }

    List<JsonNode> lines = new ArrayList<>();
    for (String line : capture.lines) {
      assertThat(line).endsWith("\n");
      assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
      JsonNode json = MAPPER.readTree(line);
      assertThat(json.isObject()).as(line).isTrue();
      assertThat(Instant.parse(json.get("time").asText())).isNotNull();
      assertThat(json.get("time").asText()).endsWith("Z");
      assertThat(json.get("level").asText()).isIn(LEVELS);
      assertThat(json.get("logger").isTextual()).isTrue();
      assertThat(json.get("message").isTextual()).isTrue();
      for (String secret : secrets) {
        assertThat(line).doesNotContain(secret);
      }
      assertThat(line).doesNotContain("api_key=").doesNotContainIgnoringCase("authorization");
      lines.add(json);
    }

    JsonNode get = access(lines, "json-logs-get");
    assertThat(get.get("method").asText()).isEqualTo("GET");
    assertThat(get.get("route").asText()).isEqualTo("/api/v0/user");
    assertThat(get.get("status").asInt()).isEqualTo(200);
    assertThat(get.get("latency_ms").isNumber()).isTrue();
    assertThat(get.get("latency_ms").asDouble()).isPositive();
    assertThat(get.get("level").asText()).isEqualTo("INFO");
    assertThat(get.get("logger").asText()).isEqualTo("dev.harmont.access");

    assertThat(access(lines, "json-logs-401").get("status").asInt()).isEqualTo(401);
    JsonNode delete = access(lines, "json-logs-delete");
    assertThat(delete.get("route").asText()).isEqualTo(TOKENS + "/{id}");
    assertThat(delete.get("status").asInt()).isEqualTo(204);
    JsonNode notFound = access(lines, "json-logs-404");
    assertThat(notFound.get("route").asText()).isEqualTo("unmatched");
    assertThat(access(lines, "json-logs-500").get("status").asInt()).isEqualTo(500);

    JsonNode internal =
        lines.stream()
            .filter(l -> l.get("level").asText().equals("ERROR"))
            .filter(l -> internalErrorId.equals(l.path("request_id").asText()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no internal-error line: " + capture.lines));
    assertThat(internal.get("logger").asText()).isEqualTo("dev.harmont.server.http.Errors");
    assertThat(internal.get("stack").asText()).contains("Exception").contains("\tat ");
    assertThat(internal.has("route")).isFalse();
  }

  /** Sends one request with the given request id; returns the id the answer carries. */
  private static String send(
      TestServer server, String method, String path, String token, String requestId)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.baseUri().resolve(path))
            .header("X-Request-Id", requestId)
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return response.headers().firstValue("X-Request-Id").orElseThrow();
    }
  }

  /** The access log is written by a background thread: wait for the line of a request. */
  private void awaitAccessLine(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (capture.lines.stream()
          .anyMatch(
              l -> l.contains("\"request_id\":\"" + requestId + "\"") && l.contains("route"))) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no access line for " + requestId + " in " + capture.lines);
  }

  private static JsonNode access(List<JsonNode> lines, String requestId) {
    return lines.stream()
        .filter(l -> l.path("logger").asText().equals("dev.harmont.access"))
        .filter(l -> requestId.equals(l.path("request_id").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no access line for " + requestId));
  }
}
