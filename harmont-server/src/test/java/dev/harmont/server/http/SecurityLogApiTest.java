package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.TestUser;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GET /api/v0/user/events: what is recorded, by whom it is seen, pages, limits and retention. */
class SecurityLogApiTest extends ServerSuite {
  private static final String EVENTS = "/api/v0/user/events";
  private static final String TOKENS = "/api/v0/user/api-tokens";
  private static final String AGENT = "security-log-test/1.0";

  /** A request with our own user agent and request id. */
  private Response send(String method, String path, String token, String json, String requestId) {
    HttpRequest.Builder request =
        api.request(path)
            .header("Authorization", "Bearer " + token)
            .header("User-Agent", AGENT)
            .header("X-Request-Id", requestId)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return api.send(request);
  }

  private List<JsonNode> events(String token) {
    Response page = api.get(EVENTS + "?limit=200", token);
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    page.json().get("events").forEach(out::add);
    return out;
  }

  private static JsonNode only(List<JsonNode> events, String type) {
    List<JsonNode> found =
        events.stream().filter(e -> e.get("type").asText().equals(type)).toList();
    assertThat(found).as(type).hasSize(1);
    return found.get(0);
  }

  @Test
  void everyChangeIsLoggedWithTheRequestIdAddressAndUserAgentOfItsRequest() {
    TestUser user = newUser();
    Response renamed =
        send("PATCH", "/api/v0/user", user.token(), "{\"name\":\"New\"}", "req-rename");
    Response created = send("POST", TOKENS, user.token(), "{\"description\":\"x\"}", "req-create");
    String id = created.json().at("/api_token/id").asText();
    Response rotated =
        send("POST", TOKENS + "/" + id + "/rotate", user.token(), null, "req-rotate");
    Response revoked = send("DELETE", TOKENS + "/" + id, user.token(), null, "req-revoke");
    String session = server.issueSessionToken(user);
    Response ended = send("POST", "/api/v0/auth/logout", session, null, "req-logout");
    assertThat(List.of(renamed, created, rotated, revoked, ended))
        .allSatisfy(r -> assertThat(r.status()).as(r.body()).isLessThan(300));

    List<JsonNode> events = events(user.token());

    assertThat(events.stream().map(e -> e.get("type").asText()).toList())
        .containsExactly(
            "session.ended",
            "session.created",
            "api_token.revoked",
            "api_token.rotated",
            "api_token.created",
            "user.renamed",
            "api_token.created");
    assertThat(only(events, "user.renamed").get("request_id").asText())
        .isEqualTo(renamed.header("X-Request-Id"))
        .isEqualTo("req-rename");
    for (JsonNode e : events.subList(0, 6)) {
      if (e.get("type").asText().equals("session.created")) {
        // Issued by the operator: no request, no address.
        assertThat(e.get("ip").isNull()).isTrue();
        assertThat(e.get("request_id").isNull()).isTrue();
        assertThat(e.get("user_agent").asText()).isEqualTo("harmont admin");
        continue;
      }
      assertThat(e.get("ip").asText()).isEqualTo("127.0.0.1");
      assertThat(e.get("user_agent").asText()).isEqualTo(AGENT);
      assertThat(e.get("request_id").asText()).startsWith("req-");
    }
    JsonNode rotation = only(events, "api_token.rotated");
    assertThat(rotation.get("request_id").asText()).isEqualTo(rotated.header("X-Request-Id"));
    assertThat(rotation.get("api_token_id").asText()).isEqualTo(id);
    assertThat(only(events, "api_token.revoked").get("api_token_id").asText()).isEqualTo(id);
    assertThat(only(events, "session.ended").get("request_id").asText()).isEqualTo("req-logout");
    assertThat(only(events, "user.renamed").get("api_token_id").isNull()).isTrue();
  }

  @Test
  void theConsolesSignInAndASignInLinkAreLoggedAsSessionsCreated() {
    TestUser user = newUser();
    Response signedIn = send("POST", "/api/v0/auth/sessions", user.token(), null, "req-console");
    String code = server.issueSignInLink(user);
    Response redeemed =
        api.send(
            api.request("/api/v0/auth/sign-in-links/redeem")
                .header("Content-Type", "application/json")
                .header("User-Agent", AGENT)
                .header("X-Request-Id", "req-link")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\"}")));
    assertThat(signedIn.status()).isEqualTo(201);
    assertThat(redeemed.status()).isEqualTo(201);

    List<JsonNode> sessions =
        events(user.token()).stream()
            .filter(e -> e.get("type").asText().equals("session.created"))
            .toList();

    assertThat(sessions)
        .extracting(e -> e.get("request_id").asText())
        .containsExactly("req-link", "req-console");
    assertThat(sessions).allSatisfy(e -> assertThat(e.get("user_agent").asText()).isEqualTo(AGENT));
    assertThat(sessions).allSatisfy(e -> assertThat(e.get("ip").asText()).isEqualTo("127.0.0.1"));
    // A refused sign-in records nothing.
    String session = redeemed.json().get("token").asText();
    assertThat(api.post("/api/v0/auth/sessions", session, null).status()).isEqualTo(403);
    assertThat(
            events(user.token()).stream()
                .filter(e -> e.get("type").asText().equals("session.created")))
        .hasSize(2);
  }

  @Test
  void aGeneratedRequestIdIsTheOneTheResponseCarried() {
    TestUser user = newUser();

    Response renamed = api.patch("/api/v0/user", user.token(), "{\"name\":\"Renamed\"}");

    assertThat(only(events(user.token()), "user.renamed").get("request_id").asText())
        .isEqualTo(renamed.header("X-Request-Id"))
        .startsWith("req_");
  }

  @Test
  void loggingOutWithAKeyIsLoggedAsItsRevocation() {
    TestUser user = newUser();
    String other = server.issueKey(user);
    String otherId = api.get("/api/v0/auth/token", other).json().get("id").asText();

    assertThat(api.post("/api/v0/auth/logout", other, null).status()).isEqualTo(204);

    JsonNode revoked = only(events(user.token()), "api_token.revoked");
    assertThat(revoked.get("api_token_id").asText()).isEqualTo(otherId);
  }

  @Test
  void refusedChangesLeaveNoEvent() {
    TestUser user = newUser();
    int before = events(user.token()).size();
    String id = api.get(TOKENS, user.token()).json().at("/api_tokens/0/id").asText();

    assertThat(api.patch("/api/v0/user", user.token(), "{\"name\":\"\"}").status()).isEqualTo(422);
    assertThat(api.delete(TOKENS + "/" + java.util.UUID.randomUUID(), user.token()).status())
        .isEqualTo(404);
    assertThat(
            api.post(TOKENS + "/" + id + "/rotate", user.token(), "{\"grace_period_seconds\":-1}")
                .status())
        .isEqualTo(422);
    assertThat(api.post(TOKENS, user.token(), "{\"expires_at\":\"yesterday\"}").status())
        .isEqualTo(422);

    assertThat(events(user.token())).hasSize(before);
  }

  @Test
  void pagesAreNewestFirstWithoutGapsOrRepeats() {
    TestUser user = newUser();
    for (int i = 0; i < 7; i++) {
      clock.advance(Duration.ofMillis(1 + i % 2)); // some events share an instant, some do not
      api.patch("/api/v0/user", user.token(), "{\"name\":\"Name " + i + "\"}");
    }
    List<String> all = events(user.token()).stream().map(e -> e.get("id").asText()).toList();
    assertThat(all).hasSize(8);

    List<String> paged = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String next = null;
    do {
      Response page =
          api.get(EVENTS + "?limit=3" + (next == null ? "" : "&before=" + next), user.token());
      assertThat(page.status()).isEqualTo(200);
      page.json().get("events").forEach(e -> paged.add(e.get("id").asText()));
      sizes.add(page.json().get("events").size());
      next = page.json().get("next").isNull() ? null : page.json().get("next").asText();
    } while (next != null);

    assertThat(paged).containsExactlyElementsOf(all);
    assertThat(sizes).containsExactly(3, 3, 2);
    List<Instant> times =
        events(user.token()).stream()
            .map(e -> Instant.parse(e.get("created_at").asText()))
            .toList();
    assertThat(times).isSortedAccordingTo((a, b) -> b.compareTo(a));
    // Exactly a page's worth: no next.
    assertThat(api.get(EVENTS + "?limit=8", user.token()).json().get("next").isNull()).isTrue();
  }

  @Test
  void usersSeeOnlyTheirOwnEventsEvenWithAnotherUsersCursor() {
    TestUser alice = newUser();
    TestUser bob = newUser();
    for (int i = 0; i < 3; i++) {
      api.patch("/api/v0/user", alice.token(), "{\"name\":\"Alice " + i + "\"}");
    }
    api.patch("/api/v0/user", bob.token(), "{\"name\":\"Bob\"}");
    Set<String> alices = new HashSet<>();
    events(alice.token()).forEach(e -> alices.add(e.get("id").asText()));
    String alicesCursor = api.get(EVENTS + "?limit=1", alice.token()).json().get("next").asText();

    List<JsonNode> bobs = events(bob.token());
    Response withAlicesCursor = api.get(EVENTS + "?before=" + alicesCursor, bob.token());

    assertThat(bobs).hasSize(2).noneMatch(e -> alices.contains(e.get("id").asText()));
    assertThat(withAlicesCursor.status()).isEqualTo(200);
    withAlicesCursor
        .json()
        .get("events")
        .forEach(e -> assertThat(alices).doesNotContain(e.get("id").asText()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "201", "-1", "abc", "1.5", "", "99999999999", "limit=2&limit"})
  void aLimitOutside1To200Is422(String limit) {
    TestUser user = newUser();

    Response refused = api.get(EVENTS + "?limit=" + limit, user.token());

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("events_limit_invalid");
    assertThat(api.get(EVENTS + "?limit=1", user.token()).status()).isEqualTo(200);
    assertThat(api.get(EVENTS + "?limit=200", user.token()).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "", "bm90LWEtY3Vyc29y", "MTIzLm5vdC1hLXV1aWQ", "%00"})
  void aCursorThatNoPageGaveIs400(String before) {
    TestUser user = newUser();

    Response refused = api.get(EVENTS + "?before=" + before, user.token());

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("events_cursor_invalid");
  }

  @Test
  void longUserAgentsAreCutAndSecretsNeverAppear() {
    TestUser user = newUser();
    Response created =
        api.send(
            api.request(TOKENS)
                .header("Authorization", "Bearer " + user.token())
                .header("User-Agent", "a".repeat(300))
                .POST(HttpRequest.BodyPublishers.noBody()));
    String secret = created.json().get("token").asText();
    String id = created.json().at("/api_token/id").asText();
    String rotated =
        api.post(TOKENS + "/" + id + "/rotate", user.token(), null).json().get("token").asText();

    Response page = api.get(EVENTS, user.token());

    assertThat(only(events(user.token()), "api_token.rotated")).isNotNull();
    String agent =
        page.json().findValues("user_agent").stream()
            .map(JsonNode::asText)
            .filter(a -> a.startsWith("aaa"))
            .findFirst()
            .orElseThrow();
    assertThat(agent).hasSize(256);
    for (String s : List.of(secret, rotated, user.token())) {
      assertThat(page.body()).doesNotContain(s).doesNotContain(s.substring(3, 40));
    }
  }

  @Test
  void eventsPastTheRetentionAreNeverListedAndAreDeleted() throws Exception {
    restartWith(
        config ->
            config.eventRetention(Duration.ofDays(1)).eventPruneInterval(Duration.ofMillis(50)));
    TestUser user = newUser();
    api.patch("/api/v0/user", user.token(), "{\"name\":\"Old\"}");
    assertThat(events(user.token())).hasSize(2);

    clock.advance(Duration.ofDays(1).plusSeconds(1));
    api.patch("/api/v0/user", user.token(), "{\"name\":\"New\"}");

    assertThat(events(user.token())).hasSize(1);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (storedEvents(user) > 1 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(storedEvents(user)).isEqualTo(1);
  }

  @Test
  void eventsGoWithTheAccount() {
    TestUser user = newUser();
    api.patch("/api/v0/user", user.token(), "{\"name\":\"Gone soon\"}");
    assertThat(storedEvents(user)).isEqualTo(2);

    assertThat(api.delete("/api/v0/user", user.token()).status()).isEqualTo(204);

    assertThat(storedEvents(user)).isZero();
  }

  /** Rows in the table, whatever their age. */
  private int storedEvents(TestUser user) {
    return server.server().database().events().list(user.id(), Instant.EPOCH, null, 1000).size();
  }
}
