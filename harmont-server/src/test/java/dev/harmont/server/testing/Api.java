package dev.harmont.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A plain HTTP client for the server suites. Every response it sees is checked against the OpenAPI
 * document the server serves (status documented, body matching its schema), and every response must
 * carry an {@code X-Request-Id} that equals {@code error.request_id} in errors.
 */
public final class Api {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final boolean outageExpected;
  private OpenApiValidator validator;

  public Api(URI base) {
    this(base, false);
  }

  private Api(URI base, boolean outageExpected) {
    this.base = base;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.outageExpected = outageExpected;
  }

  /**
   * A client for tests that take the database away: a 503 {@code service_unavailable} is then an
   * answer (still checked against the spec, with its {@code Retry-After}); any other 5xx still
   * fails.
   */
  public static Api expectingOutages(URI base) {
    return new Api(base, true);
  }

  /** A response, its JSON body parsed when it has one. */
  public record Response(int status, Map<String, List<String>> headers, String body) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    /** The error code of an error envelope. */
    public String code() {
      return json().path("error").path("code").asText(null);
    }
  }

  public Response get(String path, String token) {
    return send("GET", path, token, null);
  }

  public Response delete(String path, String token) {
    return send("DELETE", path, token, null);
  }

  public Response patch(String path, String token, String json) {
    return send("PATCH", path, token, json);
  }

  public Response post(String path, String token, String json) {
    return send("POST", path, token, json);
  }

  /** A request with a JSON body (if any) and bearer token (if any). */
  public Response send(String method, String path, String token, String json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return send(
        request.method(
            method,
            json == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Sends a request built by the test (for unusual headers or bodies). */
  public Response send(HttpRequest.Builder request) {
    HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
    HttpResponse<String> response;
    try {
      response = http.send(built, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + built, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    Response out = new Response(response.statusCode(), response.headers().map(), response.body());
    conform(built.method(), built.uri().getRawPath(), out);
    return out;
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path));
  }

  /**
   * Asserts what every response must satisfy (below 500, a request id, documented status and body)
   * for one that reached the server some other way, e.g. {@link RawHttp}.
   */
  public void assertConforms(String method, String rawPath, Response response) {
    conform(method, rawPath, response);
  }

  private void conform(String method, String rawPath, Response response) {
    if (outageExpected && response.status() == 503) {
      assertThat(response.json().path("error").path("code").asText())
          .as("a 503 is an outage: %s", response.body())
          .isEqualTo("service_unavailable");
      assertThat(response.header("Retry-After")).as("Retry-After on a 503").isNotBlank();
    } else if (!(response.status() == 503 && "signup_cap_reached".equals(response.code()))) {
      // Upstream's one 5xx that is an answer, not a failure: sign-ups paused at the cap.
      assertThat(response.status()).as("never a 5xx here: %s", response.body()).isLessThan(500);
    }
    String requestId = response.header("X-Request-Id");
    assertThat(requestId).as("X-Request-Id on %s %s", method, rawPath).isNotBlank();
    if (response.status() >= 400) {
      assertThat(response.json().path("error").path("request_id").asText()).isEqualTo(requestId);
    }
    List<String> problems =
        validator()
            .check(
                method,
                rawPath,
                response.status(),
                response.header("Content-Type"),
                response.body());
    assertThat(problems)
        .as("%s %s → %s %s", method, rawPath, response.status(), response.body())
        .isEmpty();
  }

  private OpenApiValidator validator() {
    if (validator == null) {
      try {
        HttpResponse<String> doc =
            http.send(
                HttpRequest.newBuilder(base.resolve("/api/v0/openapi.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        validator = OpenApiValidator.of(doc.body());
      } catch (IOException e) {
        throw new AssertionError(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return validator;
  }
}
