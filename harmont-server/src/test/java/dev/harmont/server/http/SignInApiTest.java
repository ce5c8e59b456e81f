package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.SignInLinks;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The web console's sign-in endpoints: sessions from an API key, and one-time sign-in links. */
class SignInApiTest extends ServerSuite {
  private static final String SESSIONS = "/api/v0/auth/sessions";
  private static final String REDEEM = "/api/v0/auth/sign-in-links/redeem";

  private Response redeem(String code) {
    return api.post(REDEEM, null, "{\"code\":\"" + code + "\"}");
  }

  @Test
  void anApiKeyStartsASessionOfTwelveHoursThatIsNeverListed() {
    TestUser ada = newUser();

    Response started = api.post(SESSIONS, ada.token(), null);

    assertThat(started.status()).isEqualTo(201);
    assertThat(started.header("Cache-Control")).isEqualTo("no-store");
    String session = started.json().get("token").asText();
    assertThat(session).isNotBlank().doesNotStartWith("hm_");
    assertThat(Instant.parse(started.json().get("expires_at").asText()))
        .isEqualTo(clock.instant().truncatedTo(ChronoUnit.MICROS).plus(Duration.ofHours(12)));
    assertThat(api.get("/api/v0/user", session).json().get("email").asText())
        .isEqualTo(ada.email());
    JsonNode keys = api.get("/api/v0/user/api-tokens", session).json().get("api_tokens");
    assertThat(keys).hasSize(1); // only the key made with the account
  }

  @Test
  void aSessionLastsTheConfiguredTtlAndNoLonger() {
    restartWith(config -> config.sessionTtl(Duration.ofMinutes(30)));
    TestUser ada = newUser();
    String session = api.post(SESSIONS, ada.token(), null).json().get("token").asText();

    clock.advance(Duration.ofMinutes(29));
    assertThat(api.get("/api/v0/user", session).status()).isEqualTo(200);

    clock.advance(Duration.ofMinutes(1));
    assertThat(api.get("/api/v0/user", session).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", ada.token()).status()).isEqualTo(200);
  }

  @Test
  void aSessionCannotStartAnotherSession() {
    TestUser ada = newUser();
    String session = api.post(SESSIONS, ada.token(), null).json().get("token").asText();

    Response refreshed = api.post(SESSIONS, session, null);

    assertThat(refreshed.status()).isEqualTo(403);
    assertThat(refreshed.code()).isEqualTo("session_refresh_not_allowed");
  }

  @Test
  void aWrongKeyIs401AndLoggingOutASessionLeavesTheKey() {
    TestUser ada = newUser();
    assertThat(api.post(SESSIONS, "hm_" + "x".repeat(43), null).code()).isEqualTo("unauthorized");
    String session = api.post(SESSIONS, ada.token(), null).json().get("token").asText();

    assertThat(api.post("/api/v0/auth/logout", session, null).status()).isEqualTo(204);

    assertThat(api.get("/api/v0/user", session).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", ada.token()).status()).isEqualTo(200);
  }

  @Test
  void aSignInLinkStartsASessionOnce() {
    TestUser ada = newUser();
    String code = server.issueSignInLink(ada);

    Response first = redeem(code);

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.header("Cache-Control")).isEqualTo("no-store");
    String session = first.json().get("token").asText();
    assertThat(api.get("/api/v0/user", session).json().get("email").asText())
        .isEqualTo(ada.email());
    assertThat(Instant.parse(first.json().get("expires_at").asText()))
        .isEqualTo(clock.instant().truncatedTo(ChronoUnit.MICROS).plus(Duration.ofHours(12)));
    Response second = redeem(code);
    assertThat(second.status()).isEqualTo(400);
    assertThat(second.code()).isEqualTo("sign_in_link_invalid");
  }

  @Test
  void usedExpiredAndUnknownLinksAreRefusedAlike() {
    TestUser ada = newUser();
    String used = server.issueSignInLink(ada);
    assertThat(redeem(used).status()).isEqualTo(201);
    String expired = server.issueSignInLink(ada);
    String stillGood = server.issueSignInLink(ada);
    clock.advance(SignInLinks.LINK_TTL.minusSeconds(1));
    assertThat(redeem(stillGood).status()).isEqualTo(201);
    clock.advance(Duration.ofSeconds(1));

    List<JsonNode> errors = new ArrayList<>();
    for (String code : List.of(used, expired, "unknownCode0123456789abcdefghijklmnopqrstuv")) {
      Response refused = redeem(code);
      assertThat(refused.status()).isEqualTo(400);
      JsonNode error = refused.json().get("error").deepCopy();
      ((com.fasterxml.jackson.databind.node.ObjectNode) error).remove("request_id");
      errors.add(error);
    }
    assertThat(errors).allSatisfy(e -> assertThat(e).isEqualTo(errors.get(0)));
    assertThat(errors.get(0).get("code").asText()).isEqualTo("sign_in_link_invalid");
  }

  @Test
  void malformedRedeemRequestsGetClearErrors() {
    assertThat(api.post(REDEEM, null, null).code()).isEqualTo("sign_in_link_invalid");
    assertThat(api.post(REDEEM, null, "{}").code()).isEqualTo("sign_in_link_invalid");
    assertThat(api.post(REDEEM, null, "{\"code\":\"a b\"}").code())
        .isEqualTo("sign_in_link_invalid");
    assertThat(api.post(REDEEM, null, "{\"code\":\"" + "a".repeat(600) + "\"}").code())
        .isEqualTo("sign_in_link_invalid");
    Response number = api.post(REDEEM, null, "{\"code\":5}");
    assertThat(number.status()).isEqualTo(422);
    assertThat(number.code()).isEqualTo("field_type_invalid");
    assertThat(api.post(REDEEM, null, "[]").code()).isEqualTo("body_not_object");
    assertThat(api.get(REDEEM, null).status()).isEqualTo(405);
  }

  @Test
  void concurrentRedeemsOfOneLinkStartOneSession() throws Exception {
    TestUser ada = newUser();
    String code = server.issueSignInLink(ada);
    int callers = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Response>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
      for (int i = 0; i < callers; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return redeem(code);
                }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Response> answer : answers) {
        statuses.add(answer.get().status());
      }
      assertThat(statuses).containsOnlyOnce(201);
      assertThat(statuses.stream().filter(s -> s == 400)).hasSize(callers - 1);
    }
  }

  @Test
  void failedRedeemsCountTowardsTheAuthFailureLimit() {
    restartWith(config -> config.authFailureLimit(3).authFailureWindow(Duration.ofSeconds(60)));
    for (int i = 0; i < 3; i++) {
      assertThat(redeem("guess" + i).status()).isEqualTo(400);
    }

    Response blocked = redeem("guess3");
    assertThat(blocked.status()).isEqualTo(429);
    assertThat(blocked.code()).isEqualTo("rate_limited");
    assertThat(blocked.header("Retry-After")).isNotBlank();
    // The same counter as bearer tokens: a wrong key from this address is throttled too.
    assertThat(api.get("/api/v0/user", "hm_wrong").status()).isEqualTo(429);

    clock.advance(Duration.ofSeconds(61));
    assertThat(redeem("guess4").status()).isEqualTo(400);
  }

  @Test
  void aDeletedAccountsLinksStopWorking() {
    TestUser ada = newUser();
    String code = server.issueSignInLink(ada);
    assertThat(api.delete("/api/v0/user", ada.token()).status()).isEqualTo(204);

    assertThat(redeem(code).code()).isEqualTo("sign_in_link_invalid");
  }

  @Test
  void theDefaultSessionTtlIsTwelveHours() {
    assertThat(AccountSettings.DEFAULT_SESSION_TTL).isEqualTo(Duration.ofHours(12));
  }
}
