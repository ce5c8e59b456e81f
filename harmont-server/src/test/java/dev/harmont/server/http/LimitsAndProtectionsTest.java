package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.ServerConfig;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.RawHttp;
import dev.harmont.server.testing.TestUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Every configurable limit answers with its own code; refused credentials are throttled per
 * address, valid ones never.
 */
class LimitsAndProtectionsTest extends ServerSuite {
  private static final String TOKENS = "/api/v0/user/api-tokens";

  @Test
  void liveKeysPerUserAreLimitedAndExpiredOrRevokedOnesDoNotCount() {
    restartWith(c -> c.maxLiveKeysPerUser(3));
    TestUser user = newUser(); // holds 1 key
    String expiring =
        api.post(
                TOKENS,
                user.token(),
                "{\"expires_at\":\"" + clock.instant().plusSeconds(60) + "\"}")
            .json()
            .at("/api_token/id")
            .asText();
    String third = api.post(TOKENS, user.token(), "{}").json().at("/api_token/id").asText();

    Response refused = api.post(TOKENS, user.token(), "{}");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("api_token_limit_reached");
    assertThat(refused.json().at("/error/message").asText()).contains("3");

    clock.advance(Duration.ofSeconds(61));
    assertThat(api.post(TOKENS, user.token(), "{}").status()).isEqualTo(201);
    assertThat(api.post(TOKENS, user.token(), "{}").status()).isEqualTo(409);
    assertThat(api.delete(TOKENS + "/" + third, user.token()).status()).isEqualTo(204);
    assertThat(api.post(TOKENS, user.token(), "{}").status()).isEqualTo(201);
    assertThat(expiring).isNotBlank();
  }

  @Test
  void concurrentCreationsNeverOvershootTheKeyLimit() throws Exception {
    restartWith(c -> c.maxLiveKeysPerUser(5));
    TestUser user = newUser();
    List<Callable<Integer>> creations = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      creations.add(() -> api.post(TOKENS, user.token(), "{}").status());
    }
    List<Integer> statuses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(10)) {
      for (Future<Integer> status : pool.invokeAll(creations)) {
        statuses.add(status.get());
      }
    }

    assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(4);
    assertThat(statuses).containsOnly(201, 409);
    assertThat(api.get(TOKENS, user.token()).json().get("api_tokens")).hasSize(5);
  }

  @Test
  void descriptionAndJsonLimitsAreConfigurable() {
    restartWith(c -> c.maxJsonDepth(4).maxJsonStringLength(20).maxDescriptionLength(10));
    TestUser user = newUser();

    assertThat(api.post(TOKENS, user.token(), "{\"description\":\"0123456789\"}").status())
        .isEqualTo(201);
    Response longDescription = api.post(TOKENS, user.token(), "{\"description\":\"01234567890\"}");
    assertThat(longDescription.code()).isEqualTo("api_token_description_invalid");
    assertThat(longDescription.json().at("/error/message").asText()).contains("10");
    assertThat(api.post(TOKENS, user.token(), "{\"x\":[[[[1]]]]}").code())
        .isEqualTo("body_invalid_json");
    assertThat(api.post(TOKENS, user.token(), "{\"x\":\"" + "y".repeat(21) + "\"}").code())
        .isEqualTo("body_invalid_json");
  }

  @Test
  void pastTheLimitOnlyRefusedCredentialsAre429UntilTheWindowEnds() throws Exception {
    restartWith(c -> c.authFailureLimit(3).authFailureWindow(Duration.ofSeconds(60)));
    TestUser user = newUser();
    for (int i = 0; i < 3; i++) {
      assertThat(api.get("/api/v0/user", "hm_wrong" + i).status()).isEqualTo(401);
    }

    Response refused = api.get("/api/v0/user", "hm_wrong");

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.code()).isEqualTo("rate_limited");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
    // The credential is what is refused: a client should not retry it (RFC 6750 invalid_token).
    assertThat(refused.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    assertThat(api.get("/api/v0/user", user.token()).status()).isEqualTo(200);
    assertThat(api.post(TOKENS, user.token(), "{}").status()).isEqualTo(201);
    assertThat(api.get("/api/v0/user", server.issueSessionToken(user)).status()).isEqualTo(200);
    assertThat(statusFrom("127.0.0.2", "/api/v0/user", user.token())).isEqualTo(200);
    assertThat(statusFrom("127.0.0.2", "/api/v0/user", "hm_wrong")).isEqualTo(401);
    assertThat(api.get("/healthz", null).status()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(61));
    assertThat(api.get("/api/v0/user", "hm_wrong").status()).isEqualTo(401);
  }

  @Test
  void aThousandRefusedRequestsNeverLockOutAValidKeyFromTheSameAddress() {
    // The default limits, as a new user runs them; the test clock stands still, so one window.
    int limit = ServerConfig.DEFAULT_AUTH_FAILURE_LIMIT;
    TestUser user = newUser();
    String revoked = server.issueKey(user);
    assertThat(api.post("/api/v0/auth/logout", revoked, null).status()).isEqualTo(204);
    List<String> refusedKinds =
        List.of(
            revoked, // a stale script's revoked key, again and again
            "hm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // well formed, unknown
            "hm_not a token", // malformed: refused before any lookup
            "hm_" + Long.toHexString(ThreadLocalRandom.current().nextLong())); // unknown

    for (int i = 0; i < 1000; i++) {
      Response refused = api.get("/api/v0/user", refusedKinds.get(i % refusedKinds.size()));
      if (i < limit) {
        assertThat(refused.status()).as("refused request %s", i).isEqualTo(401);
      } else {
        assertThat(refused.status()).as("refused request %s", i).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
      }
      Response valid = api.get("/api/v0/user", user.token());
      assertThat(valid.status()).as("valid request after %s refused", i + 1).isEqualTo(200);
    }
    assertThat(api.get(TOKENS, user.token()).status()).isEqualTo(200);
  }

  @Test
  void requestsWithoutCredentialsAreNotCounted() {
    restartWith(c -> c.authFailureLimit(2).authFailureWindow(Duration.ofSeconds(60)));
    for (int i = 0; i < 10; i++) {
      Response anonymous = api.get("/api/v0/user", null);
      assertThat(anonymous.status()).isEqualTo(401);
      assertThat(anonymous.code()).isEqualTo("unauthorized");
    }

    assertThat(api.get("/api/v0/user", "hm_wrong").status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", "hm_wrong").status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", "hm_wrong").status()).isEqualTo(429);
    assertThat(api.get("/api/v0/user", null).status()).isEqualTo(401);
  }

  @Test
  void forwardedForIsBelievedOnlyFromTrustedProxies() {
    restartWith(
        config ->
            config
                .authFailureLimit(2)
                .authFailureWindow(Duration.ofSeconds(60))
                .trustedProxies(List.of("127.0.0.1")));
    TestUser user = newUser();
    for (int i = 0; i < 2; i++) {
      assertThat(viaProxy("203.0.113.7", "hm_wrong").status()).isEqualTo(401);
    }

    assertThat(viaProxy("203.0.113.7", "hm_wrong").status()).isEqualTo(429);
    assertThat(viaProxy("203.0.113.7", user.token()).status()).isEqualTo(200);
    assertThat(viaProxy("198.51.100.1", "hm_wrong").status()).isEqualTo(401);
    assertThat(viaProxy("198.51.100.1", user.token()).status()).isEqualTo(200);
    assertThat(viaProxy("198.51.100.1, 203.0.113.7", "hm_wrong").status()).isEqualTo(429);
  }

  @Test
  void anotherAddressIsUnaffectedByAThousandRefusals() {
    restartWith(config -> config.trustedProxies(List.of("127.0.0.1")));
    TestUser user = newUser();
    for (int i = 0; i < 1000; i++) {
      viaProxy("203.0.113.7", "hm_wrong" + i);
    }
    assertThat(viaProxy("203.0.113.7", "hm_wrong").status()).isEqualTo(429);

    assertThat(viaProxy("198.51.100.1", "hm_wrong").status()).isEqualTo(401);
    assertThat(viaProxy("198.51.100.1", user.token()).status()).isEqualTo(200);
    assertThat(viaProxy("203.0.113.7", user.token()).status()).isEqualTo(200);
  }

  @Test
  void withoutTrustedProxiesForwardedForIsIgnored() {
    restartWith(c -> c.authFailureLimit(2).authFailureWindow(Duration.ofSeconds(60)));
    TestUser user = newUser();
    assertThat(viaProxy("203.0.113.1", "hm_wrong").status()).isEqualTo(401);
    assertThat(viaProxy("203.0.113.2", "hm_wrong").status()).isEqualTo(401);

    assertThat(viaProxy("198.51.100.9", "hm_wrong").status()).isEqualTo(429);
    assertThat(viaProxy("198.51.100.9", user.token()).status()).isEqualTo(200);
  }

  @Test
  void corsIsOffUnlessConfigured() {
    TestUser user = newUser();
    Response preflight = preflight("https://app.example.org");
    Response get = getUserFrom("https://app.example.org", user.token());

    // A plain OPTIONS answer (Allow), which no browser takes for a CORS permission.
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    assertThat(get.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void configuredOriginsGetCorsHeadersOthersAreRefused() {
    restartWith(c -> c.corsOrigins(List.of("https://app.example.org")));
    TestUser user = newUser();

    Response allowed = preflight("https://app.example.org");
    Response refused = preflight("https://evil.example.com");
    Response get = getUserFrom("https://app.example.org", user.token());

    assertThat(allowed.status()).isEqualTo(204);
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.org");
    assertThat(allowed.header("Access-Control-Allow-Headers")).contains("Authorization");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.code()).isEqualTo("cors_origin_not_allowed");
    assertThat(get.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.org");
    assertThat(get.header("Access-Control-Allow-Credentials")).isNull();
  }

  @Test
  void anOriginThatIsNotVisibleAsciiIsNeverEchoedEvenWhenEveryOriginIsAllowed() {
    restartWith(c -> c.corsOrigins(List.of("*")));
    TestUser user = newUser();
    assertThat(
            getUserFrom("https://app.example.org", user.token())
                .header("Access-Control-Allow-Origin"))
        .isEqualTo("https://app.example.org");

    RawHttp raw = new RawHttp(server.baseUri(), Duration.ofSeconds(10));
    for (String origin :
        List.of(
            "https://a\u0001b.example",
            "https://a b.example",
            "https://\u00e9.example",
            "x\u007f")) {
      Response answer =
          raw.send(
              RawHttp.Request.of("GET", "/api/v0/user")
                  .header("Authorization", "Bearer " + user.token())
                  .header("Origin", origin.getBytes(StandardCharsets.ISO_8859_1)));
      assertThat(answer.status()).as(origin).isLessThan(500);
      assertThat(answer.header("Access-Control-Allow-Origin")).as(origin).isNull();
      assertThat(
              answer.headers().values().stream().flatMap(List::stream).flatMapToInt(String::chars))
          .as("only visible ASCII in the answer's headers")
          .allMatch(ch -> ch >= ' ' && ch < 0x7f);
    }
  }

  private Response preflight(String origin) {
    return api.send(
        api.request("/api/v0/user")
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "PATCH")
            .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
  }

  private Response viaProxy(String forwardedFor, String token) {
    return api.send(
        api.request("/api/v0/user")
            .header("Authorization", "Bearer " + token)
            .header("X-Forwarded-For", forwardedFor)
            .GET());
  }

  /** A request from another loopback address (the JDK client cannot pick its source address). */
  private int statusFrom(String sourceAddress, String path, String token) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(sourceAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", server.baseUri().getPort()), 5000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + token
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(statusLine.substring(9, 12));
    }
  }

  private Response getUserFrom(String origin, String token) {
    return api.send(
        api.request("/api/v0/user")
            .header("Authorization", "Bearer " + token)
            .header("Origin", origin)
            .GET());
  }
}
