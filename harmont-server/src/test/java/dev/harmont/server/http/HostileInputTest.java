package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.RawHttp;
import dev.harmont.server.testing.TestUser;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input of every kind: always a 4xx in the envelope with its own code, never a 5xx. */
class HostileInputTest extends ServerSuite {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {                                   | body_invalid_json
          {"name": "Ada"} trailing            | body_invalid_json
          {"name": "Ada"}{"name": "Bob"}      | body_invalid_json
          {"name": "Ada", "name": "Bob"}      | body_invalid_json
          {'name': 'Ada'}                     | body_invalid_json
          {"name": "Ada",}                    | body_invalid_json
          NaN                                 | body_invalid_json
          [1,2]                               | body_not_object
          "Ada"                               | body_not_object
          42                                  | body_not_object
          null                                | body_not_object
          {"name": 1e999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999} | body_invalid_json
          """)
  void malformedJsonIsRefusedWithItsOwnCode(String body, String code) {
    TestUser user = newUser();

    Response response = api.patch("/api/v0/user", user.token(), body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo(code);
    assertThat(api.get("/api/v0/user", user.token()).json().get("name").asText())
        .isEqualTo(user.name());
  }

  @Test
  void deepNestingIsRefused() {
    TestUser user = newUser();
    String deep = "{\"name\":\"A\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

    Response response = api.post("/api/v0/user/api-tokens", user.token(), deep);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("body_invalid_json");
  }

  @Test
  void invalidUtf8IsRefused() {
    TestUser user = newUser();
    byte[] body = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

    Response response =
        api.send(
            api.request("/api/v0/user")
                .header("Authorization", "Bearer " + user.token())
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("body_invalid_json");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          text/plain
          application/x-www-form-urlencoded
          application/json; charset=iso-8859-1
          application/xml
          ;
          ;;
          ; charset=utf-8
          """)
  void nonJsonMediaTypesAre415(String contentType) {
    TestUser user = newUser();

    Response response =
        api.send(
            api.request("/api/v0/user")
                .header("Authorization", "Bearer " + user.token())
                .header("Content-Type", contentType)
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\"}")));

    assertThat(response.status()).isEqualTo(415);
    assertThat(response.code()).isEqualTo("unsupported_media_type");
  }

  @Test
  void jsonWithUtf8CharsetIsAccepted() {
    TestUser user = newUser();

    Response response =
        api.send(
            api.request("/api/v0/user")
                .header("Authorization", "Bearer " + user.token())
                .header("Content-Type", "Application/JSON; charset=\"UTF-8\"")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\"}")));

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void aBodyOverTheLimitIs413WhetherDeclaredOrStreamed() {
    TestUser user = newUser();
    byte[] big =
        ("{\"description\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);

    // Declared: a Content-Length over the limit, sent over a raw socket with the whole body at
    // once (the server reads and discards it, so the answer is never lost to a reset). Not through
    // HttpClient with Expect: 100-continue: that exchange took ~5 s every time (the client gives
    // up waiting for "100 Continue" and sends the body) and now and then got no answer within
    // 30 s; how the server answers Expect on a refused body is a known gap, not what this test is
    // about. The raw exchange pins the 413 itself.
    Response declared =
        new RawHttp(server.baseUri(), Duration.ofSeconds(20))
            .send(
                RawHttp.Request.of("POST", "/api/v0/user/api-tokens")
                    .header("Authorization", "Bearer " + user.token())
                    .header("Content-Type", "application/json")
                    .body(big));
    Response chunked =
        api.send(
            api.request("/api/v0/user/api-tokens")
                .header("Authorization", "Bearer " + user.token())
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));

    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.code()).isEqualTo("payload_too_large");
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(chunked.code()).isEqualTo("payload_too_large");
    assertThat(api.get("/api/v0/user/api-tokens", user.token()).json().get("api_tokens"))
        .hasSize(1);
  }

  @Test
  void oversizedHeadersAre431() {
    TestUser user = newUser();

    Response response =
        api.send(
            api.request("/api/v0/user")
                .header("Authorization", "Bearer " + user.token())
                .header("X-Padding", "p".repeat(20_000))
                .GET());

    assertThat(response.status()).isEqualTo(431);
    assertThat(response.code()).isEqualTo("headers_too_large");
  }

  @Test
  void unknownRoutesAre404InTheEnvelope() {
    // ("/" is the web console's page; ConsoleFilesTest covers the paths around it.)
    TestUser user = newUser();

    for (String path :
        new String[] {"/nope", "/api", "/api/v0/users", "/api/v0/user/", "/api/v1/user"}) {
      Response response = api.get(path, user.token());
      assertThat(response.status()).as(path).isEqualTo(404);
      assertThat(response.code()).isEqualTo("route_not_found");
    }
  }

  @Test
  void aWrongMethodIs405WithAllow() {
    TestUser user = newUser();

    Response put = api.send("PUT", "/api/v0/user", user.token(), "{}");
    Response patchTokens = api.send("PATCH", "/api/v0/user/api-tokens", user.token(), "{}");
    Response getOneToken = api.get("/api/v0/user/api-tokens/x", user.token());

    assertThat(put.status()).isEqualTo(405);
    assertThat(put.code()).isEqualTo("method_not_allowed");
    assertThat(put.header("Allow")).isEqualTo("GET, PATCH, DELETE");
    assertThat(patchTokens.header("Allow")).isEqualTo("GET, POST");
    assertThat(getOneToken.header("Allow")).isEqualTo("DELETE");
  }

  @Test
  void aWellFormedRequestIdIsEchoedAndOthersReplaced() {
    TestUser user = newUser();

    Response echoed =
        api.send(
            api.request("/api/v0/user")
                .header("Authorization", "Bearer " + user.token())
                .header("X-Request-Id", "lb-7f3a.42:1")
                .GET());
    Response replaced =
        api.send(api.request("/api/v0/nope").header("X-Request-Id", "evil/id with spaces").GET());
    Response tooLong =
        api.send(api.request("/api/v0/nope").header("X-Request-Id", "a".repeat(200)).GET());

    assertThat(echoed.header("X-Request-Id")).isEqualTo("lb-7f3a.42:1");
    assertThat(replaced.header("X-Request-Id")).startsWith("req_");
    assertThat(replaced.json().at("/error/request_id").asText())
        .isEqualTo(replaced.header("X-Request-Id"));
    assertThat(tooLong.header("X-Request-Id")).startsWith("req_");
  }

  @Test
  void generatedRequestIdsAreUnique() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      ids.add(api.get("/healthz", null).header("X-Request-Id"));
    }
    assertThat(ids).hasSize(50);
  }

  @Test
  void docUrlsPointAtPagesThisServerServes() {
    Response error = api.get("/api/v0/user", null);
    String docUrl = error.json().at("/error/doc_url").asText();

    assertThat(docUrl).isEqualTo(server.baseUri() + "/docs/errors/unauthorized");
    Response page =
        api.send(api.request(docUrl.substring(server.baseUri().toString().length())).GET());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("unauthorized").contains("How to fix it");
    assertThat(api.get("/docs/errors", null).body()).contains("api_token_not_found");
    assertThat(api.get("/docs/errors/no_such_code", null).status()).isEqualTo(404);
  }

  @Test
  void healthAndReadiness() {
    assertThat(api.get("/healthz", null).json().get("status").asText()).isEqualTo("ok");
    assertThat(api.get("/readyz", null).json().get("status").asText()).isEqualTo("ready");
  }
}
