package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.signin.RelyingParty;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.SoftAuthenticator;
import dev.harmont.server.testing.TestUser;
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
 * Passkeys over HTTP with real signatures ({@link SoftAuthenticator}): both ceremonies, every
 * refusal of the issue's list, and managing passkeys, on every backend.
 */
class PasskeyApiTest extends ServerSuite {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOGIN_OPTIONS = "/api/v0/auth/passkey/login/options";
  private static final String LOGIN_FINALIZE = "/api/v0/auth/passkey/login/finalize";
  private static final String REGISTER_OPTIONS = "/api/v0/auth/passkey/register/options";
  private static final String REGISTER_FINALIZE = "/api/v0/auth/passkey/register/finalize";
  private static final String PASSKEYS = "/api/v0/user/passkeys";

  private RelyingParty rp() {
    return server.server().relyingParty();
  }

  private SoftAuthenticator device() {
    return new SoftAuthenticator(rp().origin(), rp().id());
  }

  private Response registerOptions(String bearer) {
    return api.post(REGISTER_OPTIONS, bearer, "{}");
  }

  private Response registerFinalize(String bearer, String challengeId, ObjectNode attestation) {
    ObjectNode body = JSON.createObjectNode();
    body.put("challenge_id", challengeId);
    body.set("attestation", attestation);
    return api.post(REGISTER_FINALIZE, bearer, body.toString());
  }

  /** Adds a passkey on {@code device} for {@code user}; returns the API's passkey. */
  private JsonNode addPasskey(TestUser user, SoftAuthenticator device) {
    JsonNode options = registerOptions(user.token()).json();
    Response added =
        registerFinalize(
            user.token(),
            options.get("challenge_id").asText(),
            device.register(options.get("options")));
    assertThat(added.status()).as(added.body()).isEqualTo(201);
    return added.json();
  }

  private JsonNode loginOptions() {
    Response options = api.post(LOGIN_OPTIONS, null, "{}");
    assertThat(options.status()).isEqualTo(200);
    return options.json();
  }

  private Response loginFinalize(String challengeId, ObjectNode assertion) {
    ObjectNode body = JSON.createObjectNode();
    body.put("challenge_id", challengeId);
    body.set("assertion", assertion);
    return api.post(LOGIN_FINALIZE, null, body.toString());
  }

  private Response signIn(SoftAuthenticator device) {
    JsonNode options = loginOptions();
    return loginFinalize(
        options.get("challenge_id").asText(), device.assertion(options.get("options")));
  }

  private List<JsonNode> events(String bearer) {
    List<JsonNode> out = new ArrayList<>();
    api.get("/api/v0/user/events", bearer).json().get("events").forEach(out::add);
    return out;
  }

  @Test
  void aPersonAddsAPasskeyThenSignsInWithItAlone() {
    TestUser ada = newUser();
    SoftAuthenticator device = device();

    JsonNode options = registerOptions(ada.token()).json();
    JsonNode creation = options.get("options");
    assertThat(creation.at("/rp/id").asText()).isEqualTo("localhost");
    assertThat(creation.at("/user/name").asText()).isEqualTo(ada.email());
    assertThat(creation.at("/user/displayName").asText()).isEqualTo(ada.name());
    assertThat(creation.get("pubKeyCredParams").findValuesAsText("alg"))
        .containsExactly("-7", "-8", "-257");
    assertThat(creation.at("/authenticatorSelection/residentKey").asText()).isEqualTo("required");
    assertThat(creation.at("/authenticatorSelection/requireResidentKey").asBoolean()).isTrue();
    assertThat(creation.at("/authenticatorSelection/userVerification").asText())
        .isEqualTo("required");
    assertThat(creation.get("attestation").asText()).isEqualTo("none");
    assertThat(creation.get("excludeCredentials")).isEmpty();

    Response added =
        registerFinalize(
            ada.token(), options.get("challenge_id").asText(), device.register(creation));
    assertThat(added.status()).isEqualTo(201);
    assertThat(added.json().get("nickname").asText()).isEqualTo("Passkey");
    assertThat(added.json().get("last_used_at").isNull()).isTrue();

    JsonNode request = loginOptions();
    assertThat(request.at("/options/allowCredentials")).isEmpty();
    assertThat(request.at("/options/userVerification").asText()).isEqualTo("required");
    assertThat(request.at("/options/rpId").asText()).isEqualTo("localhost");
    assertThat(request.at("/options/timeout").asLong()).isEqualTo(300_000);
    Response signedIn =
        loginFinalize(
            request.get("challenge_id").asText(), device.assertion(request.get("options")));

    assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
    assertThat(signedIn.header("Cache-Control")).isEqualTo("no-store");
    String session = signedIn.json().get("token").asText();
    assertThat(api.get("/api/v0/user", session).json().get("email").asText())
        .isEqualTo(ada.email());
    assertThat(api.get("/api/v0/auth/token", session).json().get("kind").asText())
        .isEqualTo("session");
    // A session, never listed with the keys.
    assertThat(api.get("/api/v0/user/api-tokens", session).json().get("api_tokens")).hasSize(1);
    JsonNode listed = api.get(PASSKEYS, session).json().get("passkeys");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("last_used_at").isNull()).isFalse();

    List<JsonNode> events = events(session);
    assertThat(events.get(0).get("type").asText()).isEqualTo("session.created");
    assertThat(events.get(0).get("method").asText()).isEqualTo("passkey");
    assertThat(events.get(1).get("type").asText()).isEqualTo("passkey.added");
    assertThat(events.get(1).get("passkey_id").asText())
        .isEqualTo(added.json().get("uuid").asText());
  }

  @Test
  void theSecondPasskeyExcludesTheFirstAndSharesItsUserHandle() {
    TestUser ada = newUser();
    JsonNode first = addPasskey(ada, device());

    JsonNode creation = registerOptions(ada.token()).json().get("options");

    assertThat(creation.get("excludeCredentials")).hasSize(1);
    assertThat(creation.at("/excludeCredentials/0/type").asText()).isEqualTo("public-key");
    assertThat(first.get("uuid").asText()).isNotBlank();
  }

  @Test
  void aKnownAuthenticatorIsNamedAndNamesThePasskey() {
    TestUser ada = newUser();
    SoftAuthenticator device =
        device().aaguid(UUID.fromString("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4"));

    JsonNode added = addPasskey(ada, device);

    assertThat(added.get("authenticator").asText()).isEqualTo("Google Password Manager");
    assertThat(added.get("nickname").asText()).isEqualTo("Google Password Manager");
    assertThat(added.get("aaguid").asText()).isEqualTo("ea9b8d664d011d213ce4b6b48cb575d4");
  }

  @Test
  void aChallengeWorksOnce() {
    TestUser ada = newUser();
    SoftAuthenticator device = device();
    addPasskey(ada, device);
    JsonNode options = loginOptions();
    String id = options.get("challenge_id").asText();
    assertThat(loginFinalize(id, device.assertion(options.get("options"))).status()).isEqualTo(200);

    Response again = loginFinalize(id, device.assertion(options.get("options")));

    assertThat(again.status()).isEqualTo(400);
    assertThat(again.code()).isEqualTo("passkey_challenge_invalid");
    assertThat(again.json().at("/error/message").asText())
        .isEqualTo("This passkey prompt has expired. Try again.");
  }

  @Test
  void aChallengeExpiresAfterFiveMinutes() {
    TestUser ada = newUser();
    SoftAuthenticator device = device();
    addPasskey(ada, device);
    JsonNode options = loginOptions();

    clock.advance(Duration.ofMinutes(5));
    Response late =
        loginFinalize(
            options.get("challenge_id").asText(), device.assertion(options.get("options")));

    assertThat(late.code()).isEqualTo("passkey_challenge_invalid");
  }

  @Test
  void aChallengeServesOnlyItsPurposeAndItsUser() {
    TestUser ada = newUser();
    TestUser bob = newUser();
    SoftAuthenticator device = device();
    addPasskey(ada, device);

    // A register challenge cannot finalize a sign-in…
    JsonNode register = registerOptions(ada.token()).json();
    assertThat(
            loginFinalize(
                    register.get("challenge_id").asText(),
                    device.assertion(register.get("options")))
                .code())
        .isEqualTo("passkey_challenge_invalid");
    // …a sign-in challenge cannot add a passkey…
    JsonNode login = loginOptions();
    assertThat(
            registerFinalize(
                    ada.token(),
                    login.get("challenge_id").asText(),
                    device().register(registerOptions(ada.token()).json().get("options")))
                .code())
        .isEqualTo("passkey_challenge_invalid");
    // …and Bob cannot finish what Ada started.
    JsonNode adas = registerOptions(ada.token()).json();
    assertThat(
            registerFinalize(
                    bob.token(),
                    adas.get("challenge_id").asText(),
                    device().register(adas.get("options")))
                .code())
        .isEqualTo("passkey_challenge_invalid");
    // Unknown and malformed ids alike.
    JsonNode fresh = loginOptions();
    ObjectNode assertion = device.assertion(fresh.get("options"));
    assertThat(loginFinalize(UUID.randomUUID().toString(), assertion).code())
        .isEqualTo("passkey_challenge_invalid");
    assertThat(loginFinalize("not-an-id", assertion).code()).isEqualTo("passkey_challenge_invalid");
  }

  @Test
  void anAssertionForAnotherOriginOrRelyingPartyFails() {
    TestUser ada = newUser();
    SoftAuthenticator device = device();
    addPasskey(ada, device);

    Response otherOrigin = signIn(device.origin("https://evil.example"));
    device.origin(rp().origin());
    Response otherRpId = signIn(device.rpId("evil.example"));
    Response ipOrigin = signIn(device.rpId("localhost").origin(server.baseUri().toString()));

    for (Response refused : List.of(otherOrigin, otherRpId, ipOrigin)) {
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.code()).isEqualTo("passkey_assertion_failed");
      assertThat(refused.json().at("/error/message").asText())
          .isEqualTo("That passkey signature could not be verified. Try signing in again.");
    }
  }

  @Test
  void withoutUserVerificationNothingIsAddedAndNobodySignsIn() {
    TestUser ada = newUser();
    SoftAuthenticator device = device();
    addPasskey(ada, device);
    device.userVerified(false);

    Response signIn = signIn(device);
    JsonNode options = registerOptions(ada.token()).json();
    Response add =
        registerFinalize(
            ada.token(),
            options.get("challenge_id").asText(),
            device.register(options.get("options")));

    assertThat(signIn.code()).isEqualTo("passkey_user_verification_required");
    assertThat(add.code()).isEqualTo("passkey_user_verification_required");
    assertThat(add.status()).isEqualTo(400);
    assertThat(api.get(PASSKEYS, ada.token()).json().get("passkeys")).hasSize(1);
  }

  @Test
  void aCounterThatGoesBackwardsIsRefusedAndLogged() {
    TestUser ada = newUser();
    SoftAuthenticator device = device();
    addPasskey(ada, device);
    assertThat(signIn(device).status()).isEqualTo(200);
    assertThat(signIn(device).status()).isEqualTo(200); // counter 2

    device.last().counter(0); // a clone that signs with 1
    Response cloned = signIn(device);

    assertThat(cloned.code()).isEqualTo("passkey_assertion_failed");
    JsonNode newest = events(ada.token()).get(0);
    assertThat(newest.get("type").asText()).isEqualTo("passkey.counter_regressed");
    assertThat(newest.get("passkey_id").isNull()).isFalse();
  }

  @Test
  void aPasskeyWithoutACounterSignsInAgainAndAgain() {
    TestUser ada = newUser();
    SoftAuthenticator device = device().countsSignatures(false);
    addPasskey(ada, device);

    assertThat(signIn(device).status()).isEqualTo(200);
    assertThat(signIn(device).status()).isEqualTo(200);
  }

  @Test
  void anUnknownCredentialIsRefused() {
    TestUser ada = newUser();
    SoftAuthenticator stranger = device();
    stranger.register(registerOptions(ada.token()).json().get("options")); // never finalized

    Response refused = signIn(stranger);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("passkey_unknown_credential");
  }

  @Test
  void aMalformedAssertionFailsAndAWrongTypeIs422() {
    JsonNode options = loginOptions();
    ObjectNode junk = JSON.createObjectNode().put("id", "x").put("type", "public-key");

    assertThat(loginFinalize(options.get("challenge_id").asText(), junk).code())
        .isIn("passkey_assertion_failed", "passkey_challenge_invalid");
    Response wrongType =
        api.post(
            LOGIN_FINALIZE,
            null,
            "{\"challenge_id\":\""
                + loginOptions().get("challenge_id").asText()
                + "\",\"assertion\":1}");
    assertThat(wrongType.status()).isEqualTo(422);
    assertThat(wrongType.code()).isEqualTo("field_type_invalid");
  }

  @Test
  void ofConcurrentFinalizesOfOneChallengeExactlyOneWins() throws Exception {
    TestUser ada = newUser();
    SoftAuthenticator device = device().countsSignatures(false);
    addPasskey(ada, device);
    JsonNode options = loginOptions();
    String id = options.get("challenge_id").asText();
    ObjectNode assertion = device.assertion(options.get("options"));
    int callers = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Response>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
      for (int i = 0; i < callers; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return loginFinalize(id, assertion);
                }));
      }
      go.countDown();
      int wins = 0;
      for (Future<Response> answer : answers) {
        Response response = answer.get();
        if (response.status() == 200) {
          wins++;
        } else {
          assertThat(response.code()).isEqualTo("passkey_challenge_invalid");
        }
      }
      assertThat(wins).isEqualTo(1);
    }
  }

  @Test
  void anotherUsersPasskeyIsNotFound() {
    TestUser ada = newUser();
    TestUser bob = newUser();
    String adas = addPasskey(ada, device()).get("uuid").asText();
    addPasskey(ada, device());

    Response rename = api.patch(PASSKEYS + "/" + adas, bob.token(), "{\"nickname\":\"mine\"}");
    Response remove = api.delete(PASSKEYS + "/" + adas, bob.token());

    assertThat(rename.status()).isEqualTo(404);
    assertThat(rename.code()).isEqualTo("passkey_not_found");
    assertThat(remove.status()).isEqualTo(404);
    assertThat(remove.code()).isEqualTo("passkey_not_found");
    assertThat(api.delete(PASSKEYS + "/not-a-uuid", ada.token()).code())
        .isEqualTo("passkey_not_found");
    assertThat(api.get(PASSKEYS, ada.token()).json().get("passkeys")).hasSize(2);
  }

  @Test
  void theLastPasskeyStaysAndARemovedOneNoLongerSignsIn() {
    TestUser ada = newUser();
    SoftAuthenticator laptop = device();
    SoftAuthenticator phone = device();
    String first = addPasskey(ada, laptop).get("uuid").asText();

    Response last = api.delete(PASSKEYS + "/" + first, ada.token());
    assertThat(last.status()).isEqualTo(409);
    assertThat(last.code()).isEqualTo("passkey_last_credential");
    assertThat(last.json().at("/error/message").asText())
        .isEqualTo("You can't remove your last sign-in method.");

    addPasskey(ada, phone);
    assertThat(api.delete(PASSKEYS + "/" + first, ada.token()).status()).isEqualTo(204);

    assertThat(signIn(laptop).code()).isEqualTo("passkey_unknown_credential");
    assertThat(signIn(phone).status()).isEqualTo(200);
    JsonNode removed = events(ada.token()).get(1);
    assertThat(removed.get("type").asText()).isEqualTo("passkey.removed");
    assertThat(removed.get("passkey_id").asText()).isEqualTo(first);
  }

  @Test
  void aPasskeyIsRenamedWithinOneToOneHundredCharacters() {
    TestUser ada = newUser();
    String id = addPasskey(ada, device()).get("uuid").asText();

    Response renamed = api.patch(PASSKEYS + "/" + id, ada.token(), "{\"nickname\":\"  Laptop  \"}");
    Response blank = api.patch(PASSKEYS + "/" + id, ada.token(), "{\"nickname\":\" \"}");
    Response tooLong =
        api.patch(PASSKEYS + "/" + id, ada.token(), "{\"nickname\":\"" + "x".repeat(101) + "\"}");

    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.json().get("nickname").asText()).isEqualTo("Laptop");
    assertThat(blank.status()).isEqualTo(422);
    assertThat(blank.code()).isEqualTo("passkey_nickname_invalid");
    assertThat(tooLong.code()).isEqualTo("passkey_nickname_invalid");
    assertThat(events(ada.token()).get(0).get("type").asText()).isEqualTo("passkey.renamed");
  }

  @Test
  void failedFinalizesCountTowardsTheAuthFailureLimit() {
    restartWith(config -> config.authFailureLimit(3).authFailureWindow(Duration.ofSeconds(60)));
    for (int i = 0; i < 3; i++) {
      assertThat(loginFinalize(UUID.randomUUID().toString(), JSON.createObjectNode()).code())
          .isEqualTo("passkey_challenge_invalid");
    }

    Response blocked = loginFinalize(UUID.randomUUID().toString(), JSON.createObjectNode());

    assertThat(blocked.status()).isEqualTo(429);
    assertThat(blocked.code()).isEqualTo("rate_limited");
    assertThat(api.get("/api/v0/user", "hm_wrong").status()).isEqualTo(429);
  }

  @Test
  void anApiKeyAndASignInLinkSayHowTheSessionStarted() {
    TestUser ada = newUser();
    api.post("/api/v0/auth/sessions", ada.token(), null);
    api.post(
        "/api/v0/auth/sign-in-links/redeem",
        null,
        "{\"code\":\"" + server.issueSignInLink(ada) + "\"}");

    List<JsonNode> events = events(ada.token());

    assertThat(events.get(0).get("method").asText()).isEqualTo("sign_in_link");
    assertThat(events.get(1).get("method").asText()).isEqualTo("api_key");
  }
}
