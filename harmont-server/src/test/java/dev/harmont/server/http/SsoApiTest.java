package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.FakeGithub;
import dev.harmont.server.testing.FakeIssuer;
import dev.harmont.server.testing.FakeIssuer.Mode;
import dev.harmont.server.testing.FakeIssuer.Person;
import dev.harmont.server.testing.TestUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Single sign-on against a local OpenID Connect provider signing with Nimbus ({@link FakeIssuer}),
 * without a browser: the test plays the browser's redirects. The happy paths (first sign-in
 * creates, later ones land in the same account, linking by verified address) and the protocol
 * attacks (tampered state, another browser, replayed code, wrong audience or issuer, expired,
 * {@code alg: none}, HMAC keyed with the public key, nonce mismatch, unknown key), each refused
 * with nothing linked or created.
 */
class SsoApiTest extends ServerSuite {
  private static final String START = "/api/v0/auth/oidc/start";
  private static final String CALLBACK = "/api/v0/auth/oidc/callback";
  private static final String REDEEM = "/api/v0/auth/oidc/redeem";

  private FakeIssuer issuer;
  private FakeGithub github;

  @BeforeParameterizedClassInvocation
  void startIssuer() {
    try {
      issuer = new FakeIssuer();
      github = new FakeGithub();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterParameterizedClassInvocation
  void stopIssuer() {
    issuer.close();
    github.close();
  }

  private void withSso(UnaryOperator<ServerConfig.Builder> more) {
    issuer.down(false);
    restartWith(
        config ->
            more.apply(
                config
                    .oidcIssuer(issuer.issuer())
                    .oidcClientId(FakeIssuer.CLIENT_ID)
                    .oidcClientSecret(FakeIssuer.CLIENT_SECRET)));
  }

  private void withSso() {
    withSso(UnaryOperator.identity());
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static Person person(String email, boolean verified) {
    return new Person(UUID.randomUUID().toString(), email, verified, "Ada Lovelace");
  }

  private static String freshEmail() {
    return "sso-" + UUID.randomUUID() + "@example.org";
  }

  /** A started sign-in: the browser's cookie and what the provider answers. */
  private record Started(String cookie, Map<String, String> provider) {}

  private Started start(Person who, Mode mode) {
    Response started = api.send(api.request(START + "?return_to=%2Fcli%2Fauthorize").GET());
    assertThat(started.status()).as(started.body()).isEqualTo(302);
    String setCookie = started.header("Set-Cookie");
    assertThat(setCookie)
        .startsWith(SsoHandlers.COOKIE + "=")
        .contains("HttpOnly")
        .contains("SameSite=Lax");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    return new Started(cookie, issuer.authorize(URI.create(started.header("Location")), who, mode));
  }

  private Response callback(String cookie, String query) {
    var request = api.request(CALLBACK + "?" + query).GET();
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    Response back = api.send(request);
    assertThat(back.status()).isEqualTo(302);
    return back;
  }

  private Response finish(Started started) {
    return callback(
        started.cookie(),
        "code="
            + enc(started.provider().get("code"))
            + "&state="
            + enc(started.provider().get("state")));
  }

  /** The console's fragment parameters of a redirect. */
  private static Map<String, String> fragment(Response redirect) {
    String location = redirect.header("Location");
    return FakeIssuer.query(location.substring(location.indexOf('#') + 1));
  }

  private static void assertFailed(Response redirect, String code) {
    assertThat(redirect.header("Location")).startsWith("/sign-in#sso_error=" + code + "&message=");
    assertThat(fragment(redirect).get("message")).isNotBlank();
  }

  /** A full sign-in; returns the session token. */
  private String signIn(Person who) {
    Response back = finish(start(who, Mode.VALID));
    Map<String, String> fragment = fragment(back);
    assertThat(fragment).as(back.header("Location")).containsKey("sso");
    assertThat(fragment.get("return_to")).isEqualTo("/cli/authorize");
    Response session = api.post(REDEEM, null, "{\"code\":\"" + fragment.get("sso") + "\"}");
    assertThat(session.status()).as(session.body()).isEqualTo(201);
    return session.json().get("token").asText();
  }

  private boolean hasAccount(String email) {
    try {
      server.server().accounts().userByEmail(email);
      return true;
    } catch (HarmontException e) {
      return false;
    }
  }

  private boolean isLinked(Person who) {
    return server
        .server()
        .database()
        .sso()
        .findIdentity(issuer.issuer(), who.subject())
        .isPresent();
  }

  @Test
  void theFirstSignInCreatesTheAccountAndTheNextLandsInIt() {
    withSso();
    Person ada = person(freshEmail(), true);

    String first = signIn(ada);
    String second = signIn(ada);

    JsonNode me = api.get("/api/v0/user", first).json();
    assertThat(me.get("email").asText()).isEqualTo(ada.email());
    assertThat(me.get("name").asText()).isEqualTo("Ada Lovelace");
    assertThat(api.get("/api/v0/user", second).json().get("uuid")).isEqualTo(me.get("uuid"));
    JsonNode identities = api.get("/api/v0/user/identities", second).json().get("identities");
    assertThat(identities).hasSize(1);
    assertThat(identities.get(0).get("provider").asText()).isEqualTo("Company SSO");
    assertThat(identities.get(0).get("email").asText()).isEqualTo(ada.email());
    JsonNode events = api.get("/api/v0/user/events", second).json().get("events");
    assertThat(events.findValuesAsText("type")).contains("identity.linked", "session.created");
    JsonNode session = events.get(0);
    assertThat(session.get("type").asText()).isEqualTo("session.created");
    assertThat(session.get("method").asText()).isEqualTo("oidc");
    assertThat(session.get("provider").asText()).isEqualTo("Company SSO");
  }

  @Test
  void aVerifiedAddressLinksTheExistingAccount() {
    withSso();
    TestUser grace = newUser();
    Person atProvider = person(grace.email(), true);

    String session = signIn(atProvider);

    assertThat(api.get("/api/v0/user", session).json().get("uuid").asText())
        .isEqualTo(grace.id().toString());
    assertThat(isLinked(atProvider)).isTrue();
  }

  @Test
  void anUnverifiedAddressIsRefusedAndNeitherLinkedNorGivenToANewAccount() {
    withSso();
    TestUser grace = newUser();
    Person claimsGrace = person(grace.email(), false);
    Person stranger = person(freshEmail(), false);

    assertFailed(finish(start(claimsGrace, Mode.VALID)), "sso_email_unverified");
    assertFailed(finish(start(stranger, Mode.VALID)), "sso_email_unverified");

    assertThat(isLinked(claimsGrace)).isFalse();
    assertThat(isLinked(stranger)).isFalse();
    assertThat(hasAccount(stranger.email())).isFalse();
  }

  @Test
  void withSignupOffOnlyExistingAccountsSignIn() {
    withSso(config -> config.oidcSignup(false));
    Person stranger = person(freshEmail(), true);

    assertFailed(finish(start(stranger, Mode.VALID)), "sso_signup_disabled");

    assertThat(hasAccount(stranger.email())).isFalse();
    TestUser grace = newUser();
    assertThat(signIn(person(grace.email(), true))).isNotBlank();
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {
        "WRONG_AUDIENCE",
        "EXPIRED",
        "ALG_NONE",
        "HMAC_WITH_PUBLIC_KEY",
        "WRONG_NONCE",
        "UNKNOWN_KEY",
        "WRONG_ISSUER"
      })
  void aForgedOrMisdirectedIdTokenIsRefusedWithNothingLinked(Mode attack) {
    withSso();
    Person mallory = person(freshEmail(), true);

    assertFailed(finish(start(mallory, attack)), "sso_token_invalid");

    assertThat(isLinked(mallory)).isFalse();
    assertThat(hasAccount(mallory.email())).isFalse();
  }

  @Test
  void aTamperedMissingOrReusedStateIsRefused() {
    withSso();
    Person ada = person(freshEmail(), true);
    Started started = start(ada, Mode.VALID);
    String code = enc(started.provider().get("code"));
    String state = started.provider().get("state");

    assertFailed(callback(started.cookie(), "code=" + code), "sso_state_invalid");
    assertFailed(
        callback(started.cookie(), "code=" + code + "&state=" + enc(state + "x")),
        "sso_state_invalid");
    assertFailed(
        callback(started.cookie(), "code=" + code + "&state=" + enc(state) + "&state=x"),
        "sso_state_invalid");
    // Another browser (no cookie, or another one) cannot finish it: login CSRF.
    assertFailed(callback(null, "code=" + code + "&state=" + enc(state)), "sso_state_invalid");
    Started other = start(person(freshEmail(), true), Mode.VALID);
    assertFailed(
        callback(other.cookie(), "code=" + code + "&state=" + enc(state)), "sso_state_invalid");
    // That spent the state: even its own browser is too late now.
    assertFailed(finish(started), "sso_state_invalid");

    assertThat(isLinked(ada)).isFalse();
  }

  @Test
  void aReplayedCodeIsRefused() {
    withSso();
    Person ada = person(freshEmail(), true);
    Started first = start(ada, Mode.VALID);
    assertThat(fragment(finish(first))).containsKey("sso");
    Started second = start(ada, Mode.VALID);

    Response replayed =
        callback(
            second.cookie(),
            "code="
                + enc(first.provider().get("code"))
                + "&state="
                + enc(second.provider().get("state")));

    assertFailed(replayed, "sso_token_invalid");
  }

  @Test
  void theConsoleCodeWorksOnce() {
    withSso();
    Map<String, String> fragment = fragment(finish(start(person(freshEmail(), true), Mode.VALID)));
    String body = "{\"code\":\"" + fragment.get("sso") + "\"}";

    assertThat(api.post(REDEEM, null, body).status()).isEqualTo(201);
    Response again = api.post(REDEEM, null, body);

    assertThat(again.status()).isEqualTo(400);
    assertThat(again.code()).isEqualTo("sso_code_invalid");
  }

  @Test
  void cancellingAtTheProviderExplainsItself() {
    withSso();
    Started started = start(person(freshEmail(), true), Mode.VALID);

    Response back =
        callback(
            started.cookie(), "error=access_denied&state=" + enc(started.provider().get("state")));

    assertFailed(back, "sso_access_denied");
  }

  @Test
  void aRotatedSigningKeyIsFetchedWhenATokenNamesIt() {
    withSso();
    Person ada = person(freshEmail(), true);
    signIn(ada);

    issuer.rotateKey();

    assertThat(api.get("/api/v0/user", signIn(ada)).status()).isEqualTo(200);
  }

  @Test
  void aProviderDownAtStartLeavesTheServerUpAndTheButtonUnavailable() {
    issuer.down(true);
    restartWith(
        config ->
            config
                .oidcIssuer(issuer.issuer())
                .oidcClientId(FakeIssuer.CLIENT_ID)
                .oidcClientSecret(FakeIssuer.CLIENT_SECRET)
                .oidcName("Acme SSO"));

    JsonNode providers = api.get("/api/v0/auth/providers", null).json().get("providers");
    assertThat(providers).hasSize(1);
    assertThat(providers.get(0).get("name").asText()).isEqualTo("Acme SSO");
    assertThat(providers.get(0).get("available").asBoolean()).isFalse();
    Response started = api.send(api.request(START).GET());
    assertThat(started.status()).isEqualTo(302);
    assertFailed(started, "sso_provider_unavailable");

    issuer.down(false);
    clock.advance(java.time.Duration.ofMinutes(1));
    assertThat(
            api.get("/api/v0/auth/providers", null)
                .json()
                .get("providers")
                .get(0)
                .get("available")
                .asBoolean())
        .isTrue();
  }

  @Test
  void theLastWayToSignInCannotBeDisconnectedButAnotherCan() {
    withSso();
    String session = signIn(person(freshEmail(), true));
    String id =
        api.get("/api/v0/user/identities", session)
            .json()
            .get("identities")
            .get(0)
            .get("id")
            .asText();

    Response refused = api.delete("/api/v0/user/identities/" + id, session);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("sso_identity_last_method");

    // An account that also has an API key may let its identity go.
    TestUser grace = newUser();
    String graceSession = signIn(person(grace.email(), true));
    String graceId =
        api.get("/api/v0/user/identities", graceSession)
            .json()
            .get("identities")
            .get(0)
            .get("id")
            .asText();
    assertThat(api.delete("/api/v0/user/identities/" + graceId, graceSession).status())
        .isEqualTo(204);
    assertThat(api.get("/api/v0/user/identities", grace.token()).json().get("identities"))
        .isEmpty();
    assertThat(api.delete("/api/v0/user/identities/" + id, grace.token()).code())
        .isEqualTo("sso_identity_not_found");
  }

  @Test
  void withoutConfigurationThereAreNoProvidersAndStartSaysSo() {
    assertThat(api.get("/api/v0/auth/providers", null).json().get("providers")).isEmpty();
    assertFailed(api.send(api.request(START).GET()), "sso_provider_not_configured");
    Response google = api.post("/api/v0/auth/google", null, "{\"code\":\"x\"}");
    assertThat(google.status()).isEqualTo(404);
    assertThat(google.code()).isEqualTo("sso_provider_not_configured");
  }

  @Test
  void upstreamsGoogleEndpointTradesACodeForATokenAndUser() throws Exception {
    issuer.down(false);
    restartWith(
        config ->
            config
                .googleIssuer(issuer.issuer())
                .googleClientId(FakeIssuer.CLIENT_ID)
                .googleClientSecret(FakeIssuer.CLIENT_SECRET));
    Person ada = person(freshEmail(), true);
    String redirect = "http://127.0.0.1:5173/auth/google/callback";
    String code = issuer.codeFor(ada, redirect);
    String body = "{\"code\":\"" + code + "\",\"redirect_uri\":\"" + redirect + "\"}";

    Response signedIn = api.post("/api/v0/auth/google", null, body);

    assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
    assertThat(signedIn.json().get("user").get("email").asText()).isEqualTo(ada.email());
    String token = signedIn.json().get("token").asText();
    assertThat(api.get("/api/v0/user", token).status()).isEqualTo(200);
    // Upstream's 502 for a refused code; sent around the test client, which takes any 5xx for a
    // server fault.
    HttpResponse<String> replayed =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.baseUri().resolve("/api/v0/auth/google"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(replayed.statusCode()).isEqualTo(502);
    assertThat(replayed.body()).contains("\"code\":\"oauth_provider_error\"");
  }

  @Test
  void aStartToAnotherHostIsRefused() {
    withSso();
    for (String target : new String[] {"https://evil.example", "//evil.example", "/\\evil"}) {
      Response started = api.send(api.request(START + "?return_to=" + enc(target)).GET());
      assertFailed(started, "sso_return_to_invalid");
    }
  }

  private void withGithub() {
    restartWith(
        config ->
            config
                .githubClientId(FakeGithub.CLIENT_ID)
                .githubClientSecret(FakeGithub.CLIENT_SECRET)
                .githubUrl(github.url())
                .githubApiUrl(github.url()));
  }

  private static FakeGithub.Account githubAccount(String email, boolean verified) {
    return new FakeGithub.Account(
        Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L),
        "octo",
        "Octo Cat",
        email,
        verified);
  }

  @Test
  void continueWithGithubUsesTheVerifiedPrimaryAddress() {
    withGithub();
    FakeGithub.Account octo = githubAccount(freshEmail(), true);
    Response started = api.send(api.request(START + "?provider=github").GET());
    String cookie = started.header("Set-Cookie").split(";")[0];
    Map<String, String> back = github.authorize(URI.create(started.header("Location")), octo);

    Response finished =
        callback(cookie, "code=" + enc(back.get("code")) + "&state=" + enc(back.get("state")));

    String code = fragment(finished).get("sso");
    Response session = api.post(REDEEM, null, "{\"code\":\"" + code + "\"}");
    String token = session.json().get("token").asText();
    assertThat(api.get("/api/v0/user", token).json().get("email").asText()).isEqualTo(octo.email());
    JsonNode identity = api.get("/api/v0/user/identities", token).json().get("identities").get(0);
    assertThat(identity.get("provider").asText()).isEqualTo("GitHub");
    assertThat(identity.get("issuer").asText()).isEqualTo(github.url());
  }

  @Test
  void githubWithAnUnverifiedPrimaryAddressIsRefused() {
    withGithub();
    FakeGithub.Account octo = githubAccount(freshEmail(), false);
    Response started = api.send(api.request(START + "?provider=github").GET());
    String cookie = started.header("Set-Cookie").split(";")[0];
    Map<String, String> back = github.authorize(URI.create(started.header("Location")), octo);

    assertFailed(
        callback(cookie, "code=" + enc(back.get("code")) + "&state=" + enc(back.get("state"))),
        "sso_email_unverified");
    assertThat(hasAccount(octo.email())).isFalse();
  }

  @Test
  void upstreamsGithubEndpointTradesACodeForATokenAndUser() {
    withGithub();
    FakeGithub.Account octo = githubAccount(freshEmail(), true);
    String body =
        "{\"code\":\""
            + github.codeFor(octo)
            + "\",\"redirect_uri\":\"http://127.0.0.1:5173/auth/github/callback\"}";

    Response signedIn = api.post("/api/v0/auth/github", null, body);

    assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
    assertThat(signedIn.json().get("user").get("email").asText()).isEqualTo(octo.email());
    assertThat(api.get("/api/v0/user", signedIn.json().get("token").asText()).status())
        .isEqualTo(200);
  }

  @Test
  void failedCallbacksCountOnTheFailedAuthenticationLimit() {
    withSso(config -> config.authFailureLimit(2));
    Person ada = person(freshEmail(), true);

    assertFailed(callback(null, "code=x&state=forged-1"), "sso_state_invalid");
    assertFailed(callback(null, "code=x&state=forged-2"), "sso_state_invalid");
    assertFailed(finish(start(ada, Mode.VALID)), "rate_limited");

    assertThat(isLinked(ada)).isFalse();
  }
}
