package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harmont.server.account.ApiToken;
import dev.harmont.server.account.AuthCacheSettings;
import dev.harmont.server.account.Secrets;
import dev.harmont.server.account.SecurityEvent;
import dev.harmont.server.account.SecurityEventType;
import dev.harmont.server.account.TokenKind;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Scannable secrets with a hint, "which key is this", and rotation with a grace period. */
class KeyLifecycleApiTest extends ServerSuite {
  private static final String TOKENS = "/api/v0/user/api-tokens";
  private static final String WHOAMI = "/api/v0/auth/token";

  private static String rotatePath(String id) {
    return TOKENS + "/" + id + "/rotate";
  }

  private Response create(TestUser user, String body) {
    Response created = api.post(TOKENS, user.token(), body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created;
  }

  private static String typo(String key, int at) {
    return key.substring(0, at) + (key.charAt(at) == 'x' ? 'y' : 'x') + key.substring(at + 1);
  }

  // ---- Scannable secrets and hints ----

  @Test
  void newKeysCarryAChecksumAndTheirHintIsTheirLastFourCharacters() {
    TestUser user = newUser();

    Response created = create(user, "{\"description\":\"CI\"}");

    String secret = created.json().get("token").asText();
    assertThat(secret).matches("hm_[0-9A-Za-z]{49}");
    assertThat(Secrets.checksumMatches(secret)).isTrue();
    String hint = secret.substring(secret.length() - 4);
    assertThat(created.json().at("/api_token/hint").asText()).isEqualTo(hint);
    JsonNode listed = api.get(TOKENS, user.token()).json().get("api_tokens");
    assertThat(listed.findValuesAsText("hint")).contains(hint);
    // The list shows hints, never more of a secret.
    assertThat(api.get(TOKENS, user.token()).body()).doesNotContain(secret.substring(3, 48));
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 20, 45, 46, 51})
  void aKeyWithAWrongChecksumIs401LikeAnyUnknownKey(int position) {
    TestUser user = newUser();

    Response refused = api.get("/api/v0/user", typo(user.token(), position));

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.code()).isEqualTo("unauthorized");
    assertThat(api.get("/api/v0/user", user.token()).status()).isEqualTo(200);
  }

  @Test
  void wrongChecksumsCountAsFailedAuthentications() {
    restartWith(config -> config.authFailureLimit(2).authFailureWindow(Duration.ofSeconds(60)));
    TestUser user = newUser();

    assertThat(api.get("/api/v0/user", typo(user.token(), 10)).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", typo(user.token(), 11)).status()).isEqualTo(401);

    // Over the limit: the next refused one is a 429, and the valid key is still served.
    assertThat(api.get("/api/v0/user", typo(user.token(), 12)).status()).isEqualTo(429);
    assertThat(api.get("/api/v0/user", user.token()).status()).isEqualTo(200);
  }

  @Test
  void keysInTheOldFormatKeepWorkingAndHaveNoHint() {
    TestUser user = newUser();
    String old = "hm_" + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    UUID id = insertOldFormatKey(user, old);

    assertThat(api.get("/api/v0/user", old).status()).isEqualTo(200);
    JsonNode listed = api.get(TOKENS, user.token()).json().get("api_tokens");
    for (JsonNode key : listed) {
      if (key.get("id").asText().equals(id.toString())) {
        assertThat(key.get("hint").isNull()).isTrue();
      }
    }
    assertThat(api.get(WHOAMI, old).json().get("hint").isNull()).isTrue();
  }

  /** A key as upstream mints them (32 random bytes, base64url), stored straight in the table. */
  private UUID insertOldFormatKey(TestUser user, String secret) {
    UUID id = UUID.randomUUID();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    ApiToken token =
        new ApiToken(id, user.id(), TokenKind.PERSONAL, "old", null, now, null, null, null);
    SecurityEvent event =
        new SecurityEvent(
            UUID.randomUUID(),
            user.id(),
            SecurityEventType.API_TOKEN_CREATED,
            now,
            null,
            null,
            null,
            id);
    assertThat(server.server().database().tokens().insert(token, Secrets.hash(secret), 100, event))
        .isTrue();
    return id;
  }

  // ---- Which key is this ----

  @Test
  void theCurrentTokenIsDescribedWithoutItsSecret() {
    TestUser user = newUser();
    Instant expiry = clock.instant().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
    Response created =
        create(user, "{\"description\":\"deploy\",\"expires_at\":\"" + expiry + "\"}");
    String secret = created.json().get("token").asText();

    Response me = api.get(WHOAMI, secret);

    assertThat(me.status()).isEqualTo(200);
    JsonNode body = me.json();
    assertThat(body.get("kind").asText()).isEqualTo("api_key");
    assertThat(body.get("id").asText()).isEqualTo(created.json().at("/api_token/id").asText());
    assertThat(body.get("description").asText()).isEqualTo("deploy");
    assertThat(body.get("hint").asText()).isEqualTo(secret.substring(48));
    assertThat(Instant.parse(body.get("expires_at").asText())).isEqualTo(expiry);
    assertThat(body.get("created_at").asText())
        .isEqualTo(created.json().at("/api_token/created_at").asText());
    assertThat(body.get("previous_secret_ends_at").isNull()).isTrue();
    assertThat(me.body()).doesNotContain(secret).doesNotContain(Secrets.hash(secret));
  }

  @Test
  void aSessionIsDescribedAsASession() {
    TestUser user = newUser();
    String session = server.issueSessionToken(user);

    JsonNode body = api.get(WHOAMI, session).json();

    assertThat(body.get("kind").asText()).isEqualTo("session");
    assertThat(body.get("expires_at").isNull()).isFalse();
    assertThat(body.get("hint").isNull()).isTrue();
    assertThat(api.get(WHOAMI, null).status()).isEqualTo(401);
  }

  // ---- Rotation ----

  @Test
  void rotationKeepsIdAndDescriptionAndStopsTheOldSecretAtOnce() {
    TestUser user = newUser();
    Response created = create(user, "{\"description\":\"CI\"}");
    String id = created.json().at("/api_token/id").asText();
    String old = created.json().get("token").asText();
    assertThat(api.get("/api/v0/user", old).status()).isEqualTo(200); // now cached

    Response rotated = api.post(rotatePath(id), user.token(), null);

    assertThat(rotated.status()).isEqualTo(201);
    assertThat(rotated.header("Cache-Control")).isEqualTo("no-store");
    String fresh = rotated.json().get("token").asText();
    assertThat(fresh).matches("hm_[0-9A-Za-z]{49}").isNotEqualTo(old);
    JsonNode key = rotated.json().get("api_token");
    assertThat(key.get("id").asText()).isEqualTo(id);
    assertThat(key.get("description").asText()).isEqualTo("CI");
    assertThat(key.get("hint").asText()).isEqualTo(fresh.substring(48));
    assertThat(api.get("/api/v0/user", old).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", fresh).status()).isEqualTo(200);
    assertThat(api.get(WHOAMI, fresh).json().get("id").asText()).isEqualTo(id);
  }

  @Test
  void theOldSecretWorksDuringTheGracePeriodAndStopsAtItsEnd() {
    TestUser user = newUser();
    Response created = create(user, null);
    String id = created.json().at("/api_token/id").asText();
    String old = created.json().get("token").asText();

    Response rotated = api.post(rotatePath(id), user.token(), "{\"grace_period_seconds\":600}");
    String fresh = rotated.json().get("token").asText();
    Instant graceEnd = clock.instant().truncatedTo(ChronoUnit.MICROS).plusSeconds(600);

    assertThat(api.get("/api/v0/user", old).status()).isEqualTo(200);
    JsonNode me = api.get(WHOAMI, old).json();
    assertThat(me.get("id").asText()).isEqualTo(id);
    assertThat(Instant.parse(me.get("previous_secret_ends_at").asText())).isEqualTo(graceEnd);
    clock.advance(Duration.ofSeconds(599));
    assertThat(api.get("/api/v0/user", old).status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(1));
    assertThat(api.get("/api/v0/user", old).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", fresh).status()).isEqualTo(200);
  }

  @Test
  void aCachedOldSecretNeverOutlivesItsGraceEvenWithALongCacheTtl() {
    restartWith(config -> config.authCache(new AuthCacheSettings(Duration.ofHours(1), 1000)));
    TestUser user = newUser();
    Response created = create(user, null);
    String id = created.json().at("/api_token/id").asText();
    String old = created.json().get("token").asText();
    api.post(rotatePath(id), user.token(), "{\"grace_period_seconds\":5}");
    assertThat(api.get("/api/v0/user", old).status()).isEqualTo(200); // cached for an hour

    clock.advance(Duration.ofSeconds(5));

    assertThat(api.get("/api/v0/user", old).status()).isEqualTo(401);
  }

  @Test
  void revocationEndsBothSecrets() {
    TestUser user = newUser();
    Response created = create(user, null);
    String id = created.json().at("/api_token/id").asText();
    String old = created.json().get("token").asText();
    String fresh =
        api.post(rotatePath(id), user.token(), "{\"grace_period_seconds\":3600}")
            .json()
            .get("token")
            .asText();
    assertThat(api.get("/api/v0/user", old).status()).isEqualTo(200);

    assertThat(api.delete(TOKENS + "/" + id, user.token()).status()).isEqualTo(204);

    assertThat(api.get("/api/v0/user", old).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", fresh).status()).isEqualTo(401);
  }

  @Test
  void rotatingAgainEndsThePreviousGraceAtOnce() {
    TestUser user = newUser();
    Response created = create(user, null);
    String id = created.json().at("/api_token/id").asText();
    String first = created.json().get("token").asText();
    String second =
        api.post(rotatePath(id), user.token(), "{\"grace_period_seconds\":3600}")
            .json()
            .get("token")
            .asText();

    String third =
        api.post(rotatePath(id), user.token(), "{\"grace_period_seconds\":3600}")
            .json()
            .get("token")
            .asText();

    assertThat(api.get("/api/v0/user", first).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", second).status()).isEqualTo(200);
    assertThat(api.get("/api/v0/user", third).status()).isEqualTo(200);
  }

  @Test
  void withoutExpiresAtAKeyGetsItsLifetimeAgainAndANeverExpiringKeyStaysSo() {
    TestUser user = newUser();
    Instant start = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Response expiring =
        create(user, "{\"expires_at\":\"" + start.plus(Duration.ofDays(30)) + "\"}");
    String expiringId = expiring.json().at("/api_token/id").asText();
    String foreverId = create(user, null).json().at("/api_token/id").asText();
    clock.advance(Duration.ofDays(10));
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);

    JsonNode once = api.post(rotatePath(expiringId), user.token(), "{}").json();
    JsonNode forever = api.post(rotatePath(foreverId), user.token(), null).json();

    assertThat(Instant.parse(once.at("/api_token/expires_at").asText()))
        .isEqualTo(now.plus(Duration.ofDays(30)));
    assertThat(forever.at("/api_token/expires_at").isNull()).isTrue();
    // A second rotation measures the lifetime from the last one, not from the creation.
    clock.advance(Duration.ofDays(5));
    JsonNode twice = api.post(rotatePath(expiringId), user.token(), null).json();
    assertThat(Instant.parse(twice.at("/api_token/expires_at").asText()))
        .isEqualTo(now.plus(Duration.ofDays(35)));
    assertThat(twice.at("/api_token/created_at").asText())
        .isEqualTo(expiring.json().at("/api_token/created_at").asText());
  }

  @Test
  void anExplicitExpiryFollowsCreatesRules() {
    TestUser user = newUser();
    Response created =
        create(user, "{\"expires_at\":\"" + clock.instant().plus(Duration.ofDays(1)) + "\"}");
    String id = created.json().at("/api_token/id").asText();
    Instant later = clock.instant().plus(Duration.ofDays(90)).truncatedTo(ChronoUnit.SECONDS);

    assertThat(api.post(rotatePath(id), user.token(), "{\"expires_at\":\"soon\"}").code())
        .isEqualTo("api_token_expires_at_invalid");
    assertThat(
            api.post(
                    rotatePath(id),
                    user.token(),
                    "{\"expires_at\":\"" + clock.instant().minusSeconds(1) + "\"}")
                .code())
        .isEqualTo("api_token_expires_at_not_in_future");
    JsonNode moved =
        api.post(rotatePath(id), user.token(), "{\"expires_at\":\"" + later + "\"}").json();
    assertThat(Instant.parse(moved.at("/api_token/expires_at").asText())).isEqualTo(later);
    JsonNode never = api.post(rotatePath(id), user.token(), "{\"expires_at\":null}").json();
    assertThat(never.at("/api_token/expires_at").isNull()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "86401", "1.5", "\"60\"", "true", "1e3", "99999999999999999999"})
  void aGracePeriodOutside0To86400SecondsIs422(String value) {
    TestUser user = newUser();
    String id = create(user, null).json().at("/api_token/id").asText();

    Response refused =
        api.post(rotatePath(id), user.token(), "{\"grace_period_seconds\":" + value + "}");

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("api_token_grace_period_invalid");
    assertThat(api.post(rotatePath(id), user.token(), "{\"grace_period_seconds\":86400}").status())
        .isEqualTo(201);
  }

  @Test
  void unknownForeignSessionAndMalformedIdsAreTheSame404() {
    TestUser alice = newUser();
    TestUser bob = newUser();
    String bobsKey = api.get(TOKENS, bob.token()).json().at("/api_tokens/0/id").asText();
    String session = server.issueSessionToken(alice);
    String sessionId = api.get(WHOAMI, session).json().get("id").asText();

    for (String id : List.of(bobsKey, sessionId, UUID.randomUUID().toString(), "not-a-uuid")) {
      Response refused = api.post(rotatePath(id), alice.token(), null);
      assertThat(refused.status()).as(id).isEqualTo(404);
      assertThat(refused.code()).isEqualTo("api_token_not_found");
    }
    assertThat(api.get("/api/v0/user", bob.token()).status()).isEqualTo(200);
  }

  @Test
  void anExpiredKeyCannotBeRotated() {
    TestUser user = newUser();
    Response created = create(user, "{\"expires_at\":\"" + clock.instant().plusSeconds(60) + "\"}");
    clock.advance(Duration.ofSeconds(61));

    Response refused =
        api.post(rotatePath(created.json().at("/api_token/id").asText()), user.token(), null);

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("api_token_expired");
  }

  @Test
  void otherMethodsOnRotateAre405NamingPost() {
    TestUser user = newUser();
    String id = create(user, null).json().at("/api_token/id").asText();

    Response wrong = api.get(rotatePath(id), user.token());

    assertThat(wrong.status()).isEqualTo(405);
    assertThat(wrong.header("Allow")).isEqualTo("POST");
  }

  @Test
  void concurrentRotationsOfOneKeyLeaveExactlyOneLiveNewSecret() throws Exception {
    TestUser user = newUser();
    int racers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      for (int round = 0; round < 5; round++) {
        String id = create(user, null).json().at("/api_token/id").asText();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> futures = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
          futures.add(
              pool.submit(
                  () -> {
                    start.await();
                    return api.post(rotatePath(id), user.token(), null);
                  }));
        }
        start.countDown();
        List<String> winners = new ArrayList<>();
        for (Future<Response> f : futures) {
          Response r = f.get();
          if (r.status() == 201) {
            winners.add(r.json().get("token").asText());
          } else {
            assertThat(r.status()).as(r.body()).isEqualTo(409);
            assertThat(r.code()).isEqualTo("api_token_rotation_conflict");
          }
        }
        // Each winner replaced the secret the next one read; only the last one's is live.
        long live =
            winners.stream().filter(s -> api.get("/api/v0/user", s).status() == 200).count();
        assertThat(winners).isNotEmpty();
        assertThat(live).as("live new secrets in round %d", round).isEqualTo(1);
        // An acknowledged rotation always has its event, a refused one never.
        long logged = 0;
        for (JsonNode e :
            api.get("/api/v0/user/events?limit=200", user.token()).json().get("events")) {
          if (e.get("type").asText().equals("api_token.rotated")
              && e.get("api_token_id").asText().equals(id)) {
            logged++;
          }
        }
        assertThat(logged).isEqualTo(winners.size());
        String current = api.get(TOKENS, user.token()).json().findValuesAsText("hint").toString();
        assertThat(winners.stream().filter(s -> current.contains(s.substring(48)))).isNotEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
