package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.RawHttp;
import dev.harmont.server.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paths are matched on the raw request line and methods case-sensitively, over a raw socket: what
 * the JDK client would normalise (or refuse to send) is sent as is.
 */
class StrictPathsAndMethodsTest extends ServerSuite {
  private static final String USER = "/api/v0/user";
  private static final String TOKENS = "/api/v0/user/api-tokens";

  private Response send(String method, String rawPath, String token) {
    Response response = sendAs(method, rawPath, token);
    api.assertConforms(method, rawPath, response);
    return response;
  }

  /** Without the document check, for raw paths that name a documented one only once decoded. */
  private Response sendAs(String method, String rawPath, String token) {
    RawHttp raw = new RawHttp(server.baseUri(), Duration.ofSeconds(10));
    RawHttp.Request request = RawHttp.Request.of(method, rawPath);
    if (token != null) {
      request = request.header("Authorization", "Bearer " + token);
    }
    return raw.send(request);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v0/user%2Fapi-tokens",
        "/api/v0/user%2fapi-tokens",
        "/api/v0/user%5Capi-tokens",
        "/api/v0/user%5capi-tokens",
        "/api/v0%2Fuser",
        "/api%2Fv0%2Fuser",
        "/api/v0/user%2F",
        "/api/v0/user/api-tokens%2F",
        "/docs%2Ferrors"
      })
  void anEncodedSeparatorIsNeverASeparator(String path) {
    TestUser user = newUser();

    Response response = send("GET", path, user.token());

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.code()).isEqualTo("route_not_found");
  }

  @Test
  void theRevokedIdIsTheDecodedSegmentMatchedBeforeDecoding() {
    TestUser user = newUser();
    String keyId = api.get(TOKENS, user.token()).json().at("/api_tokens/0/id").asText();

    for (String id :
        List.of("a%2Fb", keyId + "%2F", "..%2F" + keyId, keyId + "%2F..%2F" + keyId, "%2F")) {
      Response response = send("DELETE", TOKENS + "/" + id, user.token());
      assertThat(response.status()).as(id).isEqualTo(404);
      assertThat(response.code()).as(id).isEqualTo("api_token_not_found");
    }
    assertThat(api.get(USER, user.token()).status()).isEqualTo(200);

    // Decoding happens after matching: the id with every character encoded is still that id.
    String allEncoded =
        keyId.chars().mapToObj(c -> String.format("%%%02X", c)).reduce("", String::concat);
    assertThat(send("DELETE", TOKENS + "/" + allEncoded, user.token()).status()).isEqualTo(204);
    assertThat(api.get(USER, user.token()).status()).isEqualTo(401);
  }

  @Test
  void unreservedCharactersMayBeEncodedInAFixedSegment() {
    TestUser user = newUser();

    assertThat(sendAs("GET", "/api/v0/us%65r", user.token()).status()).isEqualTo(200);
    assertThat(sendAs("GET", "/api/v0/user/api%2Dtokens", user.token()).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"get", "Get", "gET", "post", "patch", "delete"})
  void aKnownMethodInAnotherCaseIs405WithAllow(String method) {
    TestUser user = newUser();
    String before = api.get(USER, user.token()).body();

    Response response = send(method, USER, user.token());

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.code()).isEqualTo("method_not_allowed");
    assertThat(response.header("Allow")).isEqualTo("GET, PATCH, DELETE");
    assertThat(api.get(USER, user.token()).body()).isEqualTo(before);
    assertThat(send(method, "/api/v0/nowhere", user.token()).code()).isEqualTo("route_not_found");
  }

  @Test
  void aLowercasePostCreatesNothing() {
    TestUser user = newUser();

    Response response = send("post", TOKENS, user.token());

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.header("Allow")).isEqualTo("GET, POST");
    assertThat(api.get(TOKENS, user.token()).json().get("api_tokens")).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"FOO", "foo", "BREW", "PROPFIND", "M-SEARCH", "G~T", "GETS", "X"})
  void anUnknownMethodIs405MethodNotImplementedOnAnyPath(String method) {
    TestUser user = newUser();
    for (String path : List.of(USER, TOKENS, "/api/v0/nowhere", "/healthz", "/")) {
      Response response = send(method, path, user.token());
      assertThat(response.status()).as(method + " " + path).isEqualTo(405);
      assertThat(response.code()).isEqualTo("method_not_implemented");
      // Named as sent: `foo` is not FOO.
      assertThat(response.json().at("/error/message").asText())
          .contains("The method " + method + " ");
    }
  }

  @Test
  void methodsAreJudgedPerRequestOnAKeptAliveConnection() throws IOException {
    TestUser user = newUser();
    List<String> methods = List.of("GET", "get", "GET", "Get", "FOO", "GET", "delete", "GET");
    StringBuilder pipelined = new StringBuilder();
    for (String method : methods) {
      pipelined
          .append(method)
          .append(' ')
          .append(USER)
          .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ")
          .append(user.token())
          .append("\r\n\r\n");
    }

    List<Integer> statuses = pipeline(pipelined.toString(), methods.size());

    assertThat(statuses).containsExactly(200, 405, 200, 405, 405, 200, 405, 200);
    assertThat(api.get(USER, user.token()).status()).isEqualTo(200);
  }

  /** Writes all requests at once on one connection and reads {@code count} answers. */
  private List<Integer> pipeline(String requests, int count) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.baseUri().getPort()), 5000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(requests.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String head = readHead(in);
        statuses.add(Integer.parseInt(head.substring(9, 12)));
        int length = 0;
        for (String line : head.split("\r\n")) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).strip());
          }
        }
        in.readNBytes(length);
      }
      return statuses;
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after " + head);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
