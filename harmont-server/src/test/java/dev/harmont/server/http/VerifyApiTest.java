package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.ApiMode;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.RawHttp;
import dev.harmont.server.testing.TestUser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GET (any method) /api/v0/auth/verify: the forward-auth answer a reverse proxy acts on, on both
 * databases.
 */
class VerifyApiTest extends ServerSuite {
  private static final String VERIFY = "/api/v0/auth/verify";
  private static final String INVALID_TOKEN = "Bearer realm=\"harmont\", error=\"invalid_token\"";

  private String tokenId(String token) {
    return api.get("/api/v0/auth/token", token).json().at("/id").asText();
  }

  @Test
  void aValidKeyIs200WithoutBodyAndAllFiveHeaders() {
    TestUser user = newUser();

    Response ok = api.get(VERIFY, user.token());

    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.body()).isEmpty();
    assertThat(ok.header("X-Harmont-User-Id")).isEqualTo(user.id().toString());
    assertThat(ok.header("X-Harmont-User-Email")).isEqualTo(user.email());
    String slug = api.get("/api/v0/user", user.token()).json().at("/personal_org_slug").asText();
    assertThat(ok.header("X-Harmont-Organization")).isNotBlank().isEqualTo(slug);
    assertThat(ok.header("X-Harmont-Token-Id")).isEqualTo(tokenId(user.token()));
    assertThat(ok.header("X-Harmont-Token-Kind")).isEqualTo("personal");
  }

  @Test
  void aNonAsciiEmailIsPercentEncodedInItsHeader() {
    TestUser user = server.newUser("zo\u00eb." + System.nanoTime() + "@example.org", "Zo\u00eb");

    Response ok = api.get(VERIFY, user.token());

    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("X-Harmont-User-Email"))
        .startsWith("zo%C3%AB.")
        .endsWith("@example.org")
        .isEqualTo(user.email().replace("\u00eb", "%C3%AB"));
  }

  @Test
  void aSessionIsVerifiedAsKindSession() {
    TestUser user = newUser();
    String session = server.issueSessionToken(user);

    Response ok = api.get(VERIFY, session);

    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("X-Harmont-Token-Kind")).isEqualTo("session");
    assertThat(ok.header("X-Harmont-User-Id")).isEqualTo(user.id().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"})
  void anyMethodTheProxyKeepsIsAnsweredTheSameWay(String method) {
    TestUser user = newUser();

    Response ok = api.send(method, VERIFY, user.token(), null);

    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("X-Harmont-User-Id")).isEqualTo(user.id().toString());
  }

  @Test
  void aMethodSpeltInAnotherCaseIs405ListingTheMethods() {
    TestUser user = newUser();
    RawHttp raw = new RawHttp(server.baseUri(), Duration.ofSeconds(10));

    Response lower =
        raw.send(
            RawHttp.Request.of("get", VERIFY).header("Authorization", "Bearer " + user.token()));

    assertThat(lower.status()).isEqualTo(405);
    assertThat(lower.header("Allow")).startsWith("GET, HEAD, POST").doesNotContain("*");
  }

  @Test
  void aPathBelowVerifyIsVerifiedToo() {
    TestUser user = newUser();
    RawHttp raw = new RawHttp(server.baseUri(), Duration.ofSeconds(10));

    Response ok =
        raw.send(
            RawHttp.Request.of("GET", VERIFY + "/ci/builds/42")
                .header("Authorization", "Bearer " + user.token()));
    Response refused = raw.send(RawHttp.Request.of("GET", VERIFY + "/ci/builds/42"));

    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("X-Harmont-User-Id")).isEqualTo(user.id().toString());
    assertThat(refused.status()).isEqualTo(401);
  }

  @Test
  void noCredentialIsAPlain401InTheEnvelope() {
    Response refused = api.get(VERIFY, null);

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.code()).isEqualTo("unauthorized");
    assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"harmont\"");
    assertThat(refused.header("X-Harmont-User-Id")).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hm_0000000000000000000000000000000000000000000000000",
        "not-a-key",
        "hm_abc",
        "dGVzdA"
      })
  void aRefusedCredentialIs401InvalidToken(String token) {
    Response refused = api.get(VERIFY, token);

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.code()).isEqualTo("unauthorized");
    assertThat(refused.header("WWW-Authenticate")).isEqualTo(INVALID_TOKEN);
    assertThat(refused.header("X-Harmont-User-Id")).isNull();
  }

  @Test
  void aRevokedKeyIsRefusedAtOnce() {
    TestUser user = newUser();
    String other = server.issueKey(user);
    assertThat(api.get(VERIFY, other).status()).isEqualTo(200); // now in the cache

    Response revoked = api.delete("/api/v0/user/api-tokens/" + tokenId(other), user.token());
    Response after = api.get(VERIFY, other);

    assertThat(revoked.status()).isEqualTo(204);
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.header("WWW-Authenticate")).isEqualTo(INVALID_TOKEN);
  }

  @Test
  void aLoggedOutSessionIsRefusedAtOnce() {
    TestUser user = newUser();
    String session = server.issueSessionToken(user);
    assertThat(api.get(VERIFY, session).status()).isEqualTo(200);

    assertThat(api.post("/api/v0/auth/logout", session, null).status()).isEqualTo(204);

    assertThat(api.get(VERIFY, session).status()).isEqualTo(401);
  }

  @Test
  void anExpiredKeyIsRefused() {
    TestUser user = newUser();
    Response created =
        api.post(
            "/api/v0/user/api-tokens",
            user.token(),
            "{\"description\":\"short\",\"expires_at\":\""
                + clock.instant().plus(Duration.ofDays(1))
                + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String key = created.json().at("/token").asText();
    assertThat(api.get(VERIFY, key).status()).isEqualTo(200);

    clock.advance(Duration.ofDays(2));

    assertThat(api.get(VERIFY, key).header("WWW-Authenticate")).isEqualTo(INVALID_TOKEN);
  }

  @Test
  void pastTheFailureLimitRefusedCredentialsAre429() {
    restartWith(config -> config.authFailureLimit(2));
    TestUser user = newUser();
    for (int i = 0; i < 2; i++) {
      assertThat(api.get(VERIFY, "garbage" + i).status()).isEqualTo(401);
    }

    Response limited = api.get(VERIFY, "garbage-again");

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.code()).isEqualTo("rate_limited");
    assertThat(api.get(VERIFY, user.token()).status()).isEqualTo(200);
  }

  @Test
  void forwardedHeadersAreAcceptedAndNeverEchoed() {
    TestUser user = newUser();

    Response ok =
        api.send(
            api.request(VERIFY)
                .header("Authorization", "Bearer " + user.token())
                .header("X-Forwarded-Method", "POST")
                .header("X-Forwarded-Host", "ci.example.org")
                .header("X-Forwarded-Uri", "/builds?secret=do-not-log")
                .GET());

    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("x-forwarded"));
  }

  @Test
  void theAccessLogNamesTheCheckedRequestWithoutItsQuery() {
    TestUser user = newUser();
    Logger access = Logger.getLogger(AccessLog.LOGGER);
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            lines.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    access.addHandler(capture);
    try {
      api.send(
          api.request(VERIFY)
              .header("Authorization", "Bearer " + user.token())
              .header("X-Forwarded-Method", "POST")
              .header("X-Forwarded-Host", "ci.example.org")
              .header("X-Original-URI", "/builds/7?secret=do-not-log")
              .header("X-Request-Id", "verify-access-log")
              .GET());
    } finally {
      access.removeHandler(capture);
    }

    assertThat(lines)
        .filteredOn(l -> l.contains("verify-access-log"))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .contains("for=\"POST ci.example.org/builds/7\"")
                    .doesNotContain("do-not-log")
                    .doesNotContain(user.token()));
  }

  @Test
  void verifyModeServesOnlyVerificationIntrospectionAndHealth() {
    TestUser user = newUser(); // on the class's server, before the restart
    restartWith(config -> config.api(ApiMode.VERIFY));
    TestUser here = newUser();

    assertThat(api.get(VERIFY, here.token()).status()).isEqualTo(200);
    assertThat(api.get("/healthz", null).status()).isEqualTo(200);
    assertThat(api.get("/readyz", null).status()).isEqualTo(200);
    assertThat(api.get("/api/v0/openapi.json", null).status()).isEqualTo(200);
    assertThat(api.post("/api/v0/oauth/introspect", null, null).status()).isEqualTo(401);
    // Not through `api`: the served document describes the full API, where these paths exist.
    RawHttp raw = new RawHttp(server.baseUri(), Duration.ofSeconds(10));
    for (String path : new String[] {"/api/v0/user", "/api/v0/user/api-tokens", "/"}) {
      Response gone =
          raw.send(
              RawHttp.Request.of("GET", path).header("Authorization", "Bearer " + here.token()));
      assertThat(gone.status()).as(path).isEqualTo(404);
      assertThat(gone.code()).as(path).isEqualTo("route_not_found");
    }
    assertThat(user.token()).isNotEqualTo(here.token());
    assertThat(
            raw.send(
                    RawHttp.Request.of("POST", "/api/v0/auth/sessions")
                        .header("Authorization", "Bearer " + here.token()))
                .status())
        .isEqualTo(404);
  }
}
