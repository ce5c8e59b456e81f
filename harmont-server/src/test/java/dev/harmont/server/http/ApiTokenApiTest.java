package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.Secrets;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiTokenApiTest extends ServerSuite {
  private static final String TOKENS = "/api/v0/user/api-tokens";

  @Test
  void createReturnsTheSecretOnceAndItAuthenticates() {
    TestUser user = newUser();

    Response created = api.post(TOKENS, user.token(), "{\"description\":\"  Laptop CLI  \"}");

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Cache-Control")).isEqualTo("no-store");
    String secret = created.json().get("token").asText();
    assertThat(secret).matches("hm_[0-9A-Za-z]{49}");
    JsonNode token = created.json().get("api_token");
    assertThat(token.get("description").asText()).isEqualTo("Laptop CLI");
    assertThat(token.get("expires_at").isNull()).isTrue();
    assertThat(token.get("last_used_at").isNull()).isTrue();
    assertThat(api.get("/api/v0/user", secret).json().get("uuid").asText())
        .isEqualTo(user.id().toString());
  }

  @Test
  void createAcceptsNoBodyAtAll() {
    TestUser user = newUser();

    Response created = api.send("POST", TOKENS, user.token(), null);

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().at("/api_token/description").isNull()).isTrue();
  }

  @Test
  void listIsNewestFirstAndNeverShowsSecretsOrHashes() {
    TestUser user = newUser();
    List<String> secrets = new ArrayList<>(List.of(user.token()));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(1));
      Response created = api.post(TOKENS, user.token(), "{\"description\":\"key " + i + "\"}");
      secrets.add(created.json().get("token").asText());
      ids.add(0, created.json().at("/api_token/id").asText());
    }
    server.issueSessionToken(user);

    Response list = api.get(TOKENS, user.token());

    assertThat(list.status()).isEqualTo(200);
    JsonNode tokens = list.json().get("api_tokens");
    assertThat(tokens).hasSize(4);
    assertThat(
            List.of(
                tokens.get(0).get("id").asText(),
                tokens.get(1).get("id").asText(),
                tokens.get(2).get("id").asText()))
        .isEqualTo(ids);
    for (String secret : secrets) {
      assertThat(list.body()).doesNotContain(secret).doesNotContain(Secrets.hash(secret));
    }
  }

  @Test
  void keysOfSameInstantAreStillOrderedNewestFirst() {
    TestUser user = newUser();
    String first = api.post(TOKENS, user.token(), "{}").json().at("/api_token/id").asText();
    String second = api.post(TOKENS, user.token(), "{}").json().at("/api_token/id").asText();

    JsonNode tokens = api.get(TOKENS, user.token()).json().get("api_tokens");

    assertThat(tokens.get(0).get("id").asText()).isEqualTo(second);
    assertThat(tokens.get(1).get("id").asText()).isEqualTo(first);
  }

  @Test
  void usersSeeOnlyTheirOwnKeys() {
    TestUser alice = newUser();
    TestUser bob = newUser();
    api.post(TOKENS, bob.token(), "{\"description\":\"bob's\"}");

    JsonNode tokens = api.get(TOKENS, alice.token()).json().get("api_tokens");

    assertThat(tokens).hasSize(1);
    assertThat(tokens.get(0).get("description").asText()).isNotEqualTo("bob's");
  }

  @Test
  void expiresAtIsReturnedAsTheSameInstantInUtc() {
    TestUser user = newUser();
    Instant inOneDay = clock.instant().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    String withOffset =
        java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
            inOneDay.atOffset(java.time.ZoneOffset.ofHours(2)));

    Response created = api.post(TOKENS, user.token(), "{\"expires_at\":\"" + withOffset + "\"}");

    assertThat(created.status()).isEqualTo(201);
    String expires = created.json().at("/api_token/expires_at").asText();
    assertThat(expires).endsWith("Z");
    assertThat(Instant.parse(expires)).isEqualTo(inOneDay);
  }

  @Test
  void anExpiredKeyStopsAuthenticating() {
    TestUser user = newUser();
    Instant expiry = clock.instant().plus(Duration.ofMinutes(5));
    String secret =
        api.post(TOKENS, user.token(), "{\"expires_at\":\"" + expiry + "\"}")
            .json()
            .get("token")
            .asText();
    assertThat(api.get("/api/v0/user", secret).status()).isEqualTo(200);

    clock.set(expiry.minusNanos(1000));
    assertThat(api.get("/api/v0/user", secret).status()).isEqualTo(200);
    clock.set(expiry);
    Response refused = api.get("/api/v0/user", secret);

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.code()).isEqualTo("unauthorized");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"tomorrow\"",
        "\"2030-01-01\"",
        "\"2030-01-01T00:00:00\"",
        "\"2030-01-01T00:00Z\"",
        "\"2030-13-01T00:00:00Z\"",
        "\"2030-02-30T00:00:00Z\"",
        "\"2030-01-01T25:00:00Z\"",
        "\"2030-01-01 00:00:00Z\"",
        "\"\"",
        "12345",
        "true",
        "{}",
        "[\"2030-01-01T00:00:00Z\"]"
      })
  void garbageExpiryIsRefusedNotTurnedIntoAKeyThatNeverExpires(String expiresAt) {
    TestUser user = newUser();

    Response response = api.post(TOKENS, user.token(), "{\"expires_at\":" + expiresAt + "}");

    assertThat(response.status()).isEqualTo(422);
    assertThat(response.code()).isEqualTo("api_token_expires_at_invalid");
    assertThat(api.get(TOKENS, user.token()).json().get("api_tokens")).hasSize(1);
  }

  @Test
  void expiryInThePastOrNowIsRefused() {
    TestUser user = newUser();

    Response past = api.post(TOKENS, user.token(), "{\"expires_at\":\"2001-01-01T00:00:00Z\"}");
    Response now =
        api.post(
            TOKENS,
            user.token(),
            "{\"expires_at\":\"" + clock.instant().truncatedTo(ChronoUnit.MICROS) + "\"}");

    assertThat(past.status()).isEqualTo(422);
    assertThat(past.code()).isEqualTo("api_token_expires_at_not_in_future");
    assertThat(now.code()).isEqualTo("api_token_expires_at_not_in_future");
  }

  @Test
  void descriptionsAreLimitedTo255CodePointsWithoutControlCharacters() {
    TestUser user = newUser();

    Response ok = api.post(TOKENS, user.token(), "{\"description\":\"" + "é".repeat(255) + "\"}");
    Response tooLong =
        api.post(TOKENS, user.token(), "{\"description\":\"" + "x".repeat(256) + "\"}");
    Response control = api.post(TOKENS, user.token(), "{\"description\":\"a\\u0007b\"}");
    Response notString = api.post(TOKENS, user.token(), "{\"description\":42}");

    assertThat(ok.status()).isEqualTo(201);
    assertThat(tooLong.code()).isEqualTo("api_token_description_invalid");
    assertThat(control.code()).isEqualTo("api_token_description_invalid");
    assertThat(notString.code()).isEqualTo("field_type_invalid");
  }

  @Test
  void revokeStopsTheKeyAtOnceAndASecondRevokeIs404() {
    TestUser user = newUser();
    Response created = api.post(TOKENS, user.token(), "{}");
    String secret = created.json().get("token").asText();
    String id = created.json().at("/api_token/id").asText();

    assertThat(api.delete(TOKENS + "/" + id, user.token()).status()).isEqualTo(204);
    assertThat(api.get("/api/v0/user", secret).status()).isEqualTo(401);
    Response again = api.delete(TOKENS + "/" + id, user.token());
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.code()).isEqualTo("api_token_not_found");
  }

  @Test
  void aKeyCanRevokeItself() {
    TestUser user = newUser();
    String id = api.get(TOKENS, user.token()).json().at("/api_tokens/0/id").asText();

    assertThat(api.delete(TOKENS + "/" + id, user.token()).status()).isEqualTo(204);
    assertThat(api.get("/api/v0/user", user.token()).status()).isEqualTo(401);
  }

  @Test
  void revokingAnythingButOnesOwnKeyIsTheSame404AndChangesNothing() {
    TestUser alice = newUser();
    TestUser bob = newUser();
    String bobsId = api.get(TOKENS, bob.token()).json().at("/api_tokens/0/id").asText();
    String session = server.issueSessionToken(alice);
    String sessionId = sessionIdOf(alice, session);

    List<String> ids =
        List.of(
            bobsId,
            UUID.randomUUID().toString(),
            "not-a-uuid",
            bobsId.toUpperCase(java.util.Locale.ROOT),
            sessionId,
            "%2e%2e%2fuser",
            "a%2Fb",
            "x/../y",
            "%00",
            "1;DROP%20TABLE%20api_tokens");
    JsonNode reference = null;
    for (String id : ids) {
      Response response = api.delete(TOKENS + "/" + id, alice.token());
      assertThat(response.status()).as(id).isEqualTo(404);
      ObjectNode error = (ObjectNode) response.json().get("error").deepCopy();
      error.remove("request_id");
      if (reference == null) {
        reference = error;
      }
      assertThat(error).as(id).isEqualTo(reference);
    }
    assertThat(reference.get("code").asText()).isEqualTo("api_token_not_found");
    assertThat(api.get("/api/v0/user", bob.token()).status()).isEqualTo(200);
    assertThat(api.get("/api/v0/user", session).status()).isEqualTo(200);
    assertThat(api.get(TOKENS, bob.token()).json().get("api_tokens")).hasSize(1);
  }

  @Test
  void lastUsedAtIsWrittenAtMostOncePerMinute() {
    TestUser user = newUser();
    Instant t0 = clock.instant().truncatedTo(ChronoUnit.MICROS);
    api.get("/api/v0/user", user.token());
    assertThat(eventuallyLastUsed(user, t0)).isEqualTo(t0);

    clock.advance(Duration.ofSeconds(10));
    api.get("/api/v0/user", user.token());
    clock.advance(Duration.ofSeconds(51));
    api.get("/api/v0/user", user.token());

    // Written at t0 + 61 s, and never at t0 + 10 s in between.
    assertThat(eventuallyLastUsed(user, t0.plusSeconds(61))).isEqualTo(t0.plusSeconds(61));
  }

  /** The write is off the request path: poll until it shows (or 5 s pass). */
  private Instant eventuallyLastUsed(TestUser user, Instant expected) {
    Instant seen = null;
    for (int i = 0; i < 100; i++) {
      String text =
          api.get(TOKENS, user.token()).json().at("/api_tokens/0/last_used_at").asText(null);
      seen = text == null ? null : Instant.parse(text);
      if (expected.equals(seen)) {
        return seen;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return seen;
  }

  private String sessionIdOf(TestUser user, String session) {
    return server.server().authenticator().authenticate(session).token().id().toString();
  }
}
