package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.Pkce;
import dev.harmont.server.account.Secrets;
import dev.harmont.server.store.DatabaseSettings;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.TestUser;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code harmont login --web} on the server side: the console creates a one-time code for its
 * signed-in user (createCliGrant); the CLI trades code and PKCE verifier for a personal key
 * (exchangeCliGrant). Once, within 5 minutes, with its verifier only; every failure alike.
 */
class CliGrantApiTest extends ServerSuite {
  private static final String GRANTS = "/api/v0/auth/cli-grants";
  private static final String EXCHANGE = "/api/v0/auth/cli-grants/exchange";
  private static final String TOKENS = "/api/v0/user/api-tokens";
  private static final String CLIENT = "harmont CLI on test-host";
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestUser ada;
  private String session;

  @BeforeEach
  void signIn() {
    ada = newUser();
    session = server.issueSessionToken(ada);
  }

  /** What the CLI makes: a random verifier (32 bytes, base64url) and its S256 challenge. */
  private record Verifier(String value) {
    static Verifier fresh() {
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      return new Verifier(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    String challenge() {
      return Pkce.s256(value);
    }
  }

  private static String json(Object... fieldsAndValues) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      Object value = fieldsAndValues[i + 1];
      if (value == null) {
        node.putNull((String) fieldsAndValues[i]);
      } else if (value instanceof Integer n) {
        node.put((String) fieldsAndValues[i], n);
      } else {
        node.put((String) fieldsAndValues[i], value.toString());
      }
    }
    return node.toString();
  }

  /**
   * The body of createCliGrant as the CLI sends it in paste mode: the challenge, S256 and the
   * client's name. A case changes, adds or removes one field.
   */
  private static ObjectNode grantBody(String challenge) {
    return JsonNodeFactory.instance
        .objectNode()
        .put("code_challenge", challenge)
        .put("code_challenge_method", "S256")
        .put("client_name", CLIENT);
  }

  private Response grant(String bearer, Verifier verifier) {
    return api.post(
        GRANTS,
        bearer,
        grantBody(verifier.challenge())
            .put("redirect_uri", "http://127.0.0.1:53682/callback")
            .toString());
  }

  private String code(Verifier verifier) {
    Response created = grant(session, verifier);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("code").asText();
  }

  private Response exchange(String code, String verifier) {
    return api.post(EXCHANGE, null, json("code", code, "code_verifier", verifier));
  }

  private void assertInvalid(Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("cli_grant_invalid");
  }

  @Test
  void aCodeAndItsVerifierGiveANewPersonalKeyNamedAfterTheClient() {
    Verifier verifier = Verifier.fresh();
    Response created = grant(session, verifier);

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Cache-Control")).isEqualTo("no-store");
    String code = created.json().get("code").asText();
    assertThat(Instant.parse(created.json().get("expires_at").asText()))
        .isEqualTo(
            clock
                .instant()
                .plus(Duration.ofMinutes(5))
                .truncatedTo(java.time.temporal.ChronoUnit.MICROS));

    Response exchanged = exchange(code, verifier.value());

    assertThat(exchanged.status()).as(exchanged.body()).isEqualTo(201);
    assertThat(exchanged.header("Cache-Control")).isEqualTo("no-store");
    String key = exchanged.json().get("token").asText();
    assertThat(key).startsWith("hm_");
    assertThat(exchanged.json().at("/api_token/description").asText()).isEqualTo(CLIENT);
    assertThat(exchanged.json().at("/api_token/expires_at").isNull()).isTrue();
    assertThat(api.get("/api/v0/user", key).json().get("email").asText()).isEqualTo(ada.email());
    JsonNode listed = api.get(TOKENS, ada.token()).json().get("api_tokens");
    assertThat(listed)
        .anySatisfy(
            t -> {
              assertThat(t.get("id").asText())
                  .isEqualTo(exchanged.json().at("/api_token/id").asText());
              assertThat(t.get("description").asText()).isEqualTo(CLIENT);
            });
  }

  @Test
  void aPersonalKeyMayAuthorizeACliTooButNobodyWithoutABearer() {
    Verifier verifier = Verifier.fresh();
    Response withKey = grant(ada.token(), verifier);
    assertThat(withKey.status()).isEqualTo(201);
    assertThat(exchange(withKey.json().get("code").asText(), verifier.value()).status())
        .isEqualTo(201);

    Response anonymous = grant(null, Verifier.fresh());
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.code()).isEqualTo("unauthorized");
  }

  @Test
  void aCodeWorksOnceAndItsReplayIsTheSame400AndRevokesTheKeyItGave() {
    Verifier verifier = Verifier.fresh();
    String code = code(verifier);
    Response first = exchange(code, verifier.value());
    assertThat(first.status()).isEqualTo(201);
    String key = first.json().get("token").asText();
    String keyId = first.json().at("/api_token/id").asText();
    assertThat(api.get("/api/v0/user", key).status()).isEqualTo(200);

    Response replay = exchange(code, verifier.value());

    // A code that comes back was leaked (RFC 9700 4.5): the key it gave stops, at once.
    assertInvalid(replay);
    assertThat(api.get("/api/v0/user", key).status()).isEqualTo(401);
    JsonNode events = api.get("/api/v0/user/events", ada.token()).json().get("events");
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.get("type").asText()).isEqualTo("api_token.revoked");
              assertThat(e.get("api_token_id").asText()).isEqualTo(keyId);
            });
    // Only once: a third presentation is the same 400 and touches nothing else.
    assertInvalid(exchange(code, verifier.value()));
    assertThat(api.get("/api/v0/user", ada.token()).status()).isEqualTo(200);
  }

  @Test
  void aWrongVerifierIsRefusedAndDoesNotUseTheCodeUp() {
    Verifier verifier = Verifier.fresh();
    String code = code(verifier);

    assertInvalid(exchange(code, Verifier.fresh().value()));
    // The challenge itself is not the verifier (what "plain" would accept).
    assertInvalid(exchange(code, verifier.challenge()));

    assertThat(exchange(code, verifier.value()).status()).isEqualTo(201);
  }

  @Test
  void everyFailureAnswersAlikeSoNothingCanBeProbed() {
    Verifier verifier = Verifier.fresh();
    String used = code(verifier);
    assertThat(exchange(used, verifier.value()).status()).isEqualTo(201);
    String live = code(verifier);

    List<Response> failures =
        List.of(
            exchange(used, verifier.value()), // used
            exchange(live, Verifier.fresh().value()), // wrong verifier
            exchange(Verifier.fresh().value(), verifier.value()), // unknown code
            exchange("not a code!", verifier.value()), // malformed code
            exchange(live, "short")); // malformed verifier

    for (Response failure : failures) {
      assertInvalid(failure);
      assertThat(failure.json().at("/error/message").asText())
          .isEqualTo(failures.get(0).json().at("/error/message").asText());
    }
  }

  @Test
  void aCodeExpiresAfterFiveMinutes() {
    Verifier verifier = Verifier.fresh();
    String early = code(verifier);
    String late = code(verifier);

    clock.advance(Duration.ofMinutes(5).minusSeconds(1));
    assertThat(exchange(early, verifier.value()).status()).isEqualTo(201);
    clock.advance(Duration.ofSeconds(1));
    assertInvalid(exchange(late, verifier.value()));
  }

  @Test
  void ofConcurrentExchangesOfOneCodeExactlyOneWins() throws Exception {
    Verifier verifier = Verifier.fresh();
    String code = code(verifier);
    int before = api.get(TOKENS, ada.token()).json().get("api_tokens").size();
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Response>> exchanges = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      exchanges.add(
          () -> {
            start.await();
            return exchange(code, verifier.value());
          });
    }
    List<Response> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
      List<Future<Response>> futures = new ArrayList<>();
      for (Callable<Response> exchange : exchanges) {
        futures.add(pool.submit(exchange));
      }
      start.countDown();
      for (Future<Response> future : futures) {
        answers.add(future.get());
      }
    }

    assertThat(answers.stream().filter(r -> r.status() == 201).count()).isEqualTo(1);
    answers.stream().filter(r -> r.status() != 201).forEach(this::assertInvalid);
    // The others presented a code that had been used: a leak, so the key it gave is revoked too.
    String key =
        answers.stream()
            .filter(r -> r.status() == 201)
            .findFirst()
            .orElseThrow()
            .json()
            .get("token")
            .asText();
    assertThat(api.get("/api/v0/user", key).status()).isEqualTo(401);
    assertThat(api.get(TOKENS, ada.token()).json().get("api_tokens")).hasSize(before);
  }

  @Test
  void malformedExchangeBodiesAre4xxAndNeverAKey() {
    Verifier verifier = Verifier.fresh();
    String code = code(verifier);
    String v = verifier.value();
    List<String> invalid =
        List.of(
            "{}",
            json("code", code),
            json("code_verifier", v),
            json("code", 12, "code_verifier", v),
            json("code", code, "code_verifier", null),
            "{\"code\":[\"" + code + "\"],\"code_verifier\":\"" + v + "\"}",
            json("code", code, "code_verifier", v + "é"),
            json("code", code, "code_verifier", v.substring(0, 42)),
            json("code", code, "code_verifier", "a".repeat(129)),
            json("code", code + "=" + "x".repeat(600), "code_verifier", v),
            json("code", "", "code_verifier", v));
    for (String body : invalid) {
      assertInvalid(api.post(EXCHANGE, null, body));
    }
    Response notJson = api.post(EXCHANGE, null, "{\"code\":");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.code()).isEqualTo("body_invalid_json");
    assertThat(api.post(EXCHANGE, null, "[1]").code()).isEqualTo("body_not_object");
    Response noBody = api.post(EXCHANGE, null, null);
    assertInvalid(noBody);
    Response text =
        api.send(
            api.request(EXCHANGE)
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json("code", code))));
    assertThat(text.status()).isEqualTo(415);
    assertThat(api.get(EXCHANGE, null).status()).isEqualTo(405);

    // None of that used the code up.
    assertThat(exchange(code, v).status()).isEqualTo(201);
  }

  @Test
  void malformedGrantRequestsAre422WithTheFieldsCode() {
    String challenge = Verifier.fresh().challenge();
    record Case(String body, String code) {
      Case(JsonNode body, String code) {
        this(body.toString(), code);
      }
    }
    List<Case> cases =
        List.of(
            new Case((String) null, "cli_grant_code_challenge_invalid"),
            new Case("{}", "cli_grant_code_challenge_invalid"),
            new Case(grantBody(challenge.substring(1)), "cli_grant_code_challenge_invalid"),
            new Case(grantBody(challenge.substring(1) + "="), "cli_grant_code_challenge_invalid"),
            new Case(
                grantBody(challenge).without("code_challenge_method"),
                "cli_grant_code_challenge_method_invalid"),
            new Case(
                grantBody(challenge).put("code_challenge_method", "plain"),
                "cli_grant_code_challenge_method_invalid"),
            new Case(
                grantBody(challenge).put("code_challenge_method", "s256"),
                "cli_grant_code_challenge_method_invalid"),
            new Case(grantBody(challenge).without("client_name"), "cli_grant_client_name_invalid"),
            new Case(
                grantBody(challenge).put("client_name", "   "), "cli_grant_client_name_invalid"),
            new Case(
                grantBody(challenge).put("client_name", "x".repeat(101)),
                "cli_grant_client_name_invalid"),
            new Case(
                grantBody(challenge).put("client_name", "evil\nname"),
                "cli_grant_client_name_invalid"),
            new Case(grantBody(challenge).put("client_name", 7), "field_type_invalid"));
    for (Case c : cases) {
      Response response = api.post(GRANTS, session, c.body());
      assertThat(response.status()).as(c.body()).isEqualTo(422);
      assertThat(response.code()).as(c.body()).isEqualTo(c.code());
    }
    assertThat(api.post(GRANTS, session, "{\"code_challenge\":").code())
        .isEqualTo("body_invalid_json");
  }

  @Test
  void onlyLoopbackRedirectsAreAccepted() {
    String challenge = Verifier.fresh().challenge();
    List<String> accepted =
        List.of(
            "http://127.0.0.1:53682/callback",
            "http://localhost:8/",
            "http://[::1]:65535/callback?x=1",
            "http://LOCALHOST:1/cb");
    List<String> refused =
        List.of(
            "https://127.0.0.1:53682/callback",
            "http://127.0.0.1/callback",
            "http://127.0.0.1:0/callback",
            "http://localhost.evil.example:8080/callback",
            "http://evil.example/callback",
            "http://127.0.0.1@evil.example:80/",
            "http://user@127.0.0.1:8080/",
            "http://127.0.0.2:8080/",
            "http://10.0.0.1:8080/",
            "http://127.0.0.1:8080/callback#frag",
            "javascript:alert(1)",
            "//127.0.0.1:8080/",
            "http://127.0.0.1:8080/" + "a".repeat(2100),
            "not a uri");
    for (String uri : accepted) {
      Response r =
          api.post(GRANTS, session, grantBody(challenge).put("redirect_uri", uri).toString());
      assertThat(r.status()).as(uri).isEqualTo(201);
    }
    for (String uri : refused) {
      Response r =
          api.post(GRANTS, session, grantBody(challenge).put("redirect_uri", uri).toString());
      assertThat(r.status()).as(uri).isEqualTo(422);
      assertThat(r.code()).as(uri).isEqualTo("cli_grant_redirect_uri_invalid");
    }
    // Paste mode: no redirect at all.
    assertThat(api.post(GRANTS, session, grantBody(challenge).toString()).status()).isEqualTo(201);
  }

  @Test
  void failedExchangesCountTowardsTheAuthFailureThrottle() {
    restartWith(config -> config.authFailureLimit(3).authFailureWindow(Duration.ofMinutes(1)));
    ada = newUser();
    session = server.issueSessionToken(ada);
    Verifier verifier = Verifier.fresh();
    String code = code(verifier);
    for (int i = 0; i < 3; i++) {
      assertInvalid(exchange(code, Verifier.fresh().value()));
    }

    // Past the limit, a further guess from this address is not even answered 400 any more.
    Response blocked = exchange(code, Verifier.fresh().value());
    assertThat(blocked.status()).isEqualTo(429);
    assertThat(blocked.code()).isEqualTo("rate_limited");
    assertThat(Long.parseLong(blocked.header("Retry-After"))).isBetween(1L, 60L);
    // Failed exchanges and refused bearer tokens share the same counter.
    assertThat(api.get("/api/v0/user", "hm_wrong").status()).isEqualTo(429);

    clock.advance(Duration.ofSeconds(61));
    // None of that used the code up; it is still within its 5 minutes.
    assertThat(exchange(code, verifier.value()).status()).isEqualTo(201);
  }

  @Test
  void theKeyLimitHoldsAndAFullAccountKeepsItsCode() {
    restartWith(config -> config.maxLiveKeysPerUser(1));
    ada = newUser(); // holds its one key
    session = server.issueSessionToken(ada);
    Verifier verifier = Verifier.fresh();
    String code = code(verifier);

    Response full = exchange(code, verifier.value());
    assertThat(full.status()).isEqualTo(409);
    assertThat(full.code()).isEqualTo("api_token_limit_reached");

    String only = api.get(TOKENS, ada.token()).json().at("/api_tokens/0/id").asText();
    assertThat(api.delete(TOKENS + "/" + only, session).status()).isEqualTo(204);
    assertThat(exchange(code, verifier.value()).status()).isEqualTo(201);
  }

  @Test
  void aDeletedAccountsCodesStopWorking() {
    Verifier verifier = Verifier.fresh();
    String code = code(verifier);
    assertThat(api.delete("/api/v0/user", ada.token()).status()).isEqualTo(204);

    assertInvalid(exchange(code, verifier.value()));
  }

  @Test
  void onlyTheHashOfACodeIsStored() throws Exception {
    Verifier verifier = Verifier.fresh();
    String code = code(verifier);
    String pending = code(verifier);
    assertThat(exchange(code, verifier.value()).status()).isEqualTo(201);

    List<String> stored = new ArrayList<>();
    DatabaseSettings settings = server.databaseSettings();
    try (Connection c =
            DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT id, code_hash, user_id, code_challenge, client_name, created_at,"
                    + " expires_at, used_at FROM cli_grants")) {
      while (rows.next()) {
        for (int i = 1; i <= 8; i++) {
          Object value = rows.getObject(i);
          stored.add(value == null ? "" : value.toString());
        }
      }
    }

    assertThat(stored).contains(Secrets.hash(code), Secrets.hash(pending), CLIENT);
    assertThat(stored)
        .allSatisfy(
            value ->
                assertThat(value)
                    .doesNotContain(code)
                    .doesNotContain(pending)
                    .doesNotContain(verifier.value()));
  }

  private static final String DENY = "/api/v0/auth/cli-grants/deny";
  private static final String STATUS = "/api/v0/auth/cli-grants/status";

  private String status(Verifier verifier) {
    Response status = api.post(STATUS, null, json("code_verifier", verifier.value()));
    assertThat(status.status()).as(status.body()).isEqualTo(200);
    return status.json().get("status").asText();
  }

  @Test
  void aCliWaitingForAPastedCodeLearnsOfCancelFromItsVerifierForFiveMinutes() {
    Verifier waiting = Verifier.fresh();
    Verifier other = Verifier.fresh();
    assertThat(status(waiting)).isEqualTo("pending");

    Response denied = api.post(DENY, session, grantBody(waiting.challenge()).toString());

    assertThat(denied.status()).as(denied.body()).isEqualTo(204);
    assertThat(status(waiting)).isEqualTo("denied");
    assertThat(status(other)).isEqualTo("pending");
    assertThat(api.post(DENY, session, grantBody(waiting.challenge()).toString()).status())
        .as("a second Cancel of the same CLI")
        .isEqualTo(204);
    clock.advance(Duration.ofMinutes(5).minusSeconds(1));
    assertThat(status(waiting)).isEqualTo("denied");
    clock.advance(Duration.ofSeconds(1));
    assertThat(status(waiting)).isEqualTo("pending");
  }

  @Test
  void aRefusalGivesNoKeyAndAnAuthorizedCodeIsNotARefusal() {
    Verifier authorized = Verifier.fresh();
    String code = code(authorized);
    assertThat(status(authorized)).isEqualTo("pending");
    assertThat(exchange(code, authorized.value()).status()).isEqualTo(201);
    assertThat(status(authorized)).isEqualTo("pending");
    assertThat(exchange(code, authorized.value()).status()).isEqualTo(400); // replay: revokes
    assertThat(status(authorized)).isEqualTo("pending");

    Verifier refused = Verifier.fresh();
    int keys = api.get(TOKENS, ada.token()).json().get("api_tokens").size();
    assertThat(api.post(DENY, session, grantBody(refused.challenge()).toString()).status())
        .isEqualTo(204);
    assertThat(api.get(TOKENS, ada.token()).json().get("api_tokens").size()).isEqualTo(keys);
  }

  @Test
  void denyChecksTheRequestAsCreateDoesAndNeedsABearer() {
    Verifier verifier = Verifier.fresh();
    Response anonymous = api.post(DENY, null, grantBody(verifier.challenge()).toString());
    assertThat(anonymous.status()).isEqualTo(401);

    Response badChallenge = api.post(DENY, session, grantBody("short").toString());
    assertThat(badChallenge.status()).isEqualTo(422);
    assertThat(badChallenge.code()).isEqualTo("cli_grant_code_challenge_invalid");

    Response badMethod =
        api.post(
            DENY,
            session,
            grantBody(verifier.challenge()).put("code_challenge_method", "plain").toString());
    assertThat(badMethod.status()).isEqualTo(422);
    assertThat(badMethod.code()).isEqualTo("cli_grant_code_challenge_method_invalid");

    Response noName =
        api.post(DENY, session, grantBody(verifier.challenge()).put("client_name", " ").toString());
    assertThat(noName.status()).isEqualTo(422);
    assertThat(noName.code()).isEqualTo("cli_grant_client_name_invalid");
    assertThat(status(verifier)).isEqualTo("pending");
  }

  @Test
  void aStatusWithoutAWellFormedVerifierIs400() {
    assertInvalid(api.post(STATUS, null, json("code_verifier", "too-short")));
    assertInvalid(api.post(STATUS, null, json("code_verifier", 7)));
    assertInvalid(api.post(STATUS, null, "{}"));
    Response notJson = api.post(STATUS, null, "{");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.code()).isEqualTo("body_invalid_json");
  }
}
