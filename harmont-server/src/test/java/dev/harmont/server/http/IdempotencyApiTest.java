package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harmont.server.account.Secrets;
import dev.harmont.server.store.DatabaseSettings;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.RawHttp;
import dev.harmont.server.testing.TestUser;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@code Idempotency-Key} on POSTs, over real HTTP on every backend: a retry gets the first answer
 * and runs nothing, another request with the key is refused, concurrent ones run once, a failure
 * leaves the key free, and nothing secret is stored.
 */
class IdempotencyApiTest extends ServerSuite {
  private static final String TOKENS = "/api/v0/user/api-tokens";
  private static final String LOGOUT = "/api/v0/auth/logout";
  private static final String REDEEM = "/api/v0/auth/sign-in-links/redeem";
  private static final String REPLAYED = "Idempotent-Replayed";

  /** A POST with a bearer (if any), a JSON body (if any) and an Idempotency-Key (if any). */
  private Response post(String path, String token, String json, String key) {
    HttpRequest.Builder request =
        api.request(path)
            .POST(
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return api.send(request);
  }

  private static String newKey() {
    return UUID.randomUUID().toString();
  }

  private List<JsonNode> events(String token, String type) {
    Response page = api.get("/api/v0/user/events?limit=200", token);
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    page.json().get("events").forEach(e -> out.add(e));
    return out.stream().filter(e -> e.get("type").asText().equals(type)).toList();
  }

  private int keyCount(String token) {
    return api.get(TOKENS, token).json().get("api_tokens").size();
  }

  private static void assertReplayOf(Response replay, Response first) {
    assertThat(replay.status()).isEqualTo(first.status());
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(replay.header(REPLAYED)).isEqualTo("true");
    assertThat(replay.header("X-Request-Id")).isEqualTo(first.header("X-Request-Id"));
    assertThat(replay.header("Content-Type")).isEqualTo(first.header("Content-Type"));
  }

  @Test
  void aRetriedCreateGetsTheSameAnswerAndCreatesOneKeyAndOneEvent() {
    TestUser user = newUser();
    String key = newKey();
    String body = "{\"description\":\"deploy bot\"}";

    Response first = post(TOKENS, user.token(), body, key);
    Response retry = post(TOKENS, user.token(), body, key);

    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.header(REPLAYED)).isNull();
    assertReplayOf(retry, first);
    assertThat(retry.header("Cache-Control")).isEqualTo("no-store");
    String secret = first.json().get("token").asText();
    assertThat(api.get("/api/v0/user", secret).status()).isEqualTo(200);
    assertThat(keyCount(user.token())).isEqualTo(2); // the user's first key and this one
    String id = first.json().at("/api_token/id").asText();
    assertThat(events(user.token(), "api_token.created"))
        .filteredOn(e -> e.get("api_token_id").asText().equals(id))
        .hasSize(1);
  }

  @Test
  void withoutTheHeaderEveryPostRunsAndNothingSaysReplayed() {
    TestUser user = newUser();
    String body = "{\"description\":\"twice\"}";

    Response one = post(TOKENS, user.token(), body, null);
    Response two = post(TOKENS, user.token(), body, null);

    assertThat(List.of(one, two)).allSatisfy(r -> assertThat(r.status()).isEqualTo(201));
    assertThat(List.of(one, two)).allSatisfy(r -> assertThat(r.header(REPLAYED)).isNull());
    assertThat(one.json().get("token").asText()).isNotEqualTo(two.json().get("token").asText());
    assertThat(keyCount(user.token())).isEqualTo(3);
  }

  @Test
  void theSameKeyWithAnotherRequestIs422AndRunsNothing() {
    TestUser user = newUser();
    String key = newKey();
    assertThat(post(TOKENS, user.token(), "{\"description\":\"a\"}", key).status()).isEqualTo(201);

    Response otherBody = post(TOKENS, user.token(), "{\"description\":\"b\"}", key);
    Response otherPath = post(LOGOUT, user.token(), "{\"description\":\"a\"}", key);

    for (Response refused : List.of(otherBody, otherPath)) {
      assertThat(refused.status()).as(refused.body()).isEqualTo(422);
      assertThat(refused.code()).isEqualTo("idempotency_key_reused");
      assertThat(refused.header(REPLAYED)).isNull();
    }
    assertThat(keyCount(user.token())).isEqualTo(2);
    assertThat(api.get("/api/v0/user", user.token()).status()).isEqualTo(200); // not logged out
  }

  @Test
  void aKeyBelongsToTheCredentialPresented() {
    TestUser ada = newUser();
    TestUser bob = newUser();
    String adaSecondKey = server.issueKey(ada);
    String key = newKey();
    String body = "{\"description\":\"same key, other callers\"}";

    Response first = post(TOKENS, ada.token(), body, key);
    Response otherKeyOfAda = post(TOKENS, adaSecondKey, body, key);
    Response bobs = post(TOKENS, bob.token(), body, key);

    assertThat(List.of(first, otherKeyOfAda, bobs))
        .allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201))
        .allSatisfy(r -> assertThat(r.header(REPLAYED)).isNull());
    assertThat(keyCount(ada.token())).isEqualTo(4);
    assertThat(keyCount(bob.token())).isEqualTo(2);
  }

  @Test
  void aRetriedLogoutIsReplayedAfterItsTokenWasRevoked() {
    TestUser user = newUser();
    String session = server.issueSessionToken(user);
    String key = newKey();

    Response first = post(LOGOUT, session, null, key);
    Response retry = post(LOGOUT, session, null, key);

    assertThat(first.status()).isEqualTo(204);
    assertReplayOf(retry, first);
    assertThat(post(LOGOUT, session, null, null).status()).isEqualTo(401);
    assertThat(post(LOGOUT, session, null, newKey()).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", session).status()).isEqualTo(401);
    assertThat(events(user.token(), "session.ended")).hasSize(1);
  }

  @Test
  void aRetriedRotationOfTheKeyUsedForTheCallReturnsTheNewSecretOnce() {
    TestUser user = newUser();
    String id = api.get("/api/v0/auth/token", user.token()).json().get("id").asText();
    String key = newKey();
    String path = TOKENS + "/" + id + "/rotate";

    Response first = post(path, user.token(), null, key);
    Response retry = post(path, user.token(), null, key); // the old secret: it stopped at once

    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertReplayOf(retry, first);
    String rotated = first.json().get("token").asText();
    assertThat(api.get("/api/v0/user", user.token()).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", rotated).status()).isEqualTo(200);
    assertThat(events(rotated, "api_token.rotated")).hasSize(1);
  }

  @Test
  void concurrentRequestsWithOneKeyRunOnce() throws Exception {
    TestUser user = newUser();
    String body = "{\"description\":\"raced\"}";
    int rounds = 5;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < rounds; round++) {
        String key = newKey();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> both = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          both.add(
              pool.submit(
                  () -> {
                    start.await();
                    return post(TOKENS, user.token(), body, key);
                  }));
        }
        start.countDown();
        Response a = both.get(0).get();
        Response b = both.get(1).get();

        List<Response> ran =
            List.of(a, b).stream()
                .filter(r -> r.status() == 201 && r.header(REPLAYED) == null)
                .toList();
        assertThat(ran).as("exactly one ran: %s / %s", a.body(), b.body()).hasSize(1);
        Response other = ran.get(0) == a ? b : a;
        if (other.status() == 409) {
          assertThat(other.code()).isEqualTo("idempotency_key_in_use");
          assertThat(other.header("Retry-After")).isEqualTo("1");
        } else {
          assertReplayOf(other, ran.get(0));
        }
        // Whichever way the race went, a retry now gets the one answer.
        assertReplayOf(post(TOKENS, user.token(), body, key), ran.get(0));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(keyCount(user.token())).isEqualTo(1 + rounds);
    assertThat(events(user.token(), "api_token.created")).hasSize(1 + rounds);
  }

  @Test
  void aRefusedRequestIsReplayedButAnUnauthenticatedOneIsNot() {
    TestUser user = newUser();
    String key = newKey();
    String tooLong = "{\"description\":\"" + "x".repeat(300) + "\"}";

    Response refused = post(TOKENS, user.token(), tooLong, key);
    Response again = post(TOKENS, user.token(), tooLong, key);

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("api_token_description_invalid");
    assertReplayOf(again, refused);

    String wrong = "hm_" + "A".repeat(43);
    Response unauthenticated = post(TOKENS, wrong, "{}", key);
    Response unauthenticatedAgain = post(TOKENS, wrong, "{}", key);
    assertThat(List.of(unauthenticated, unauthenticatedAgain))
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(401))
        .allSatisfy(r -> assertThat(r.header(REPLAYED)).isNull());
  }

  @Test
  void aFailureReleasesTheKeySoTheRetryRuns() throws Exception {
    TestUser user = newUser();
    String key = newKey();
    String body = "{\"description\":\"fails once\"}";
    injectFailureOnKeysDescribed("fails once");

    // Sent without the suite's client: a 5xx is exactly what this test causes.
    HttpResponse<String> failed =
        HttpClient.newHttpClient()
            .send(
                api.request(TOKENS)
                    .header("Authorization", "Bearer " + user.token())
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(failed.statusCode()).as(failed.body()).isGreaterThanOrEqualTo(500);
    removeInjectedFailure();

    Response retry = post(TOKENS, user.token(), body, key);

    assertThat(retry.status()).as(retry.body()).isEqualTo(201);
    assertThat(retry.header(REPLAYED)).isNull();
    assertThat(keyCount(user.token())).isEqualTo(2);
  }

  @Test
  void malformedKeysAre400AndRunNothing() {
    TestUser user = newUser();
    List<String> malformed = List.of("", " ", "a b", "x".repeat(256), "tab\there");
    for (String key : malformed) {
      Response r =
          new RawHttp(server.baseUri(), Duration.ofSeconds(10))
              .send(
                  RawHttp.Request.of("POST", TOKENS)
                      .header("Authorization", "Bearer " + user.token())
                      .header("Idempotency-Key", key));
      api.assertConforms("POST", TOKENS, r);
      assertThat(r.status()).as("key [%s]: %s", key, r.body()).isEqualTo(400);
      assertThat(r.code()).isEqualTo("idempotency_key_invalid");
    }
    Response nonAscii =
        new RawHttp(server.baseUri(), Duration.ofSeconds(10))
            .send(
                RawHttp.Request.of("POST", TOKENS)
                    .header("Authorization", "Bearer " + user.token())
                    .header("Idempotency-Key", "clé"));
    api.assertConforms("POST", TOKENS, nonAscii);
    assertThat(nonAscii.status()).isEqualTo(400);
    Response twice =
        new RawHttp(server.baseUri(), Duration.ofSeconds(10))
            .send(
                RawHttp.Request.of("POST", TOKENS)
                    .header("Authorization", "Bearer " + user.token())
                    .header("Idempotency-Key", "one")
                    .header("Idempotency-Key", "two"));
    api.assertConforms("POST", TOKENS, twice);
    assertThat(twice.code()).isEqualTo("idempotency_key_invalid");

    assertThat(post(TOKENS, user.token(), null, "k".repeat(255)).status()).isEqualTo(201);
    assertThat(keyCount(user.token())).isEqualTo(2);
  }

  @Test
  void aRetriedRedeemGetsTheSameSessionAndSpendsTheLinkOnce() {
    TestUser user = newUser();
    String body = "{\"code\":\"" + server.issueSignInLink(user) + "\"}";
    String key = newKey();

    Response first = post(REDEEM, null, body, key);
    Response retry = post(REDEEM, null, body, key);

    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertReplayOf(retry, first);
    assertThat(post(REDEEM, null, body, null).code()).isEqualTo("sign_in_link_invalid");
    assertThat(post(REDEEM, null, body, newKey()).code()).isEqualTo("sign_in_link_invalid");
    assertThat(events(user.token(), "session.created")).hasSize(1);
  }

  @Test
  void aKeyIsKeptADayThenRunsAgain() {
    TestUser user = newUser();
    String key = newKey();
    Response first = post(TOKENS, user.token(), null, key);

    clock.advance(Duration.ofHours(23));
    assertReplayOf(post(TOKENS, user.token(), null, key), first);
    clock.advance(Duration.ofHours(1));
    Response dayLater = post(TOKENS, user.token(), null, key);

    assertThat(dayLater.status()).isEqualTo(201);
    assertThat(dayLater.header(REPLAYED)).isNull();
    assertThat(keyCount(user.token())).isEqualTo(3);
  }

  @Test
  void deletingTheAccountDeletesItsRecords() throws SQLException {
    TestUser ada = newUser();
    TestUser bob = newUser();
    assertThat(post(TOKENS, ada.token(), null, newKey()).status()).isEqualTo(201);
    assertThat(post(LOGOUT, server.issueSessionToken(ada), null, newKey()).status()).isEqualTo(204);
    assertThat(post(TOKENS, bob.token(), null, newKey()).status()).isEqualTo(201);
    assertThat(recordsOf(ada.id())).isEqualTo(2);

    assertThat(api.delete("/api/v0/user", ada.token()).status()).isEqualTo(204);

    assertThat(recordsOf(ada.id())).isZero();
    assertThat(recordsOf(bob.id())).isEqualTo(1);
  }

  @Test
  void theDatabaseHoldsNoSecretOnlyHashesAndSealedAnswers() throws SQLException {
    TestUser user = newUser();
    String key = newKey();
    Response created = post(TOKENS, user.token(), "{\"description\":\"sealed\"}", key);
    String secret = created.json().get("token").asText();
    String session = server.issueSessionToken(user);
    String logoutKey = newKey();
    assertThat(post(LOGOUT, session, null, logoutKey).status()).isEqualTo(204);

    List<String> stored = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT * FROM idempotency_records")) {
      int columns = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        for (int i = 1; i <= columns; i++) {
          Object value = rows.getObject(i);
          if (value instanceof byte[] bytes) {
            stored.add(new String(bytes, StandardCharsets.ISO_8859_1));
          } else if (value != null) {
            stored.add(value.toString());
          }
        }
      }
    }

    assertThat(stored)
        .contains(Secrets.hash(user.token()), Secrets.hash(key), Secrets.hash(session))
        .allSatisfy(
            value ->
                assertThat(value)
                    .doesNotContain(secret)
                    .doesNotContain(user.token())
                    .doesNotContain(session)
                    .doesNotContain(key)
                    .doesNotContain(logoutKey)
                    .doesNotContain("sealed"));
  }

  private Connection connect() throws SQLException {
    DatabaseSettings settings = server.databaseSettings();
    return DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
  }

  private int recordsOf(UUID userId) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM idempotency_records WHERE user_id = ?")) {
      if (backend == dev.harmont.server.testing.Backend.POSTGRESQL) {
        ps.setObject(1, userId);
      } else {
        ps.setString(1, userId.toString());
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * An injected fault in the real database: inserting a key with this description fails, as a disk
   * or constraint failure would, after the Idempotency-Key was taken.
   */
  private void injectFailureOnKeysDescribed(String description) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      switch (backend) {
        case SQLITE ->
            s.execute(
                "CREATE TRIGGER injected_failure BEFORE INSERT ON api_tokens WHEN NEW.description"
                    + " = '"
                    + description
                    + "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
        case POSTGRESQL -> {
          s.execute(
              "CREATE FUNCTION injected_failure() RETURNS trigger LANGUAGE plpgsql AS"
                  + " $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$");
          s.execute(
              "CREATE TRIGGER injected_failure BEFORE INSERT ON api_tokens FOR EACH ROW WHEN"
                  + " (NEW.description = '"
                  + description
                  + "') EXECUTE FUNCTION injected_failure()");
        }
      }
    }
  }

  private void removeInjectedFailure() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          backend == dev.harmont.server.testing.Backend.SQLITE
              ? "DROP TRIGGER injected_failure"
              : "DROP TRIGGER injected_failure ON api_tokens");
    }
  }
}
