package dev.harmont.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.harmont.server.testing.SoftAuthenticator;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every SDK method and every documented error against the real server, started in-process on a
 * fresh SQLite database. Each test makes its own users, so tests do not depend on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealServerTest {
  private TestServer server;

  @BeforeAll
  void startServer() {
    server = TestServer.start();
  }

  @AfterAll
  void stopServer() {
    server.close();
  }

  private HarmontClient clientFor(String token) {
    // No sleeping between retries: the real server never asks for one here, and a test that
    // did retry should not wait for it.
    return HarmontClient.builder()
        .baseUrl(server.baseUri())
        .token(token)
        .sleeper(duration -> {})
        .build();
  }

  private HarmontClient clientFor(TestUser user) {
    return clientFor(user.token());
  }

  private static void assertUnauthorized(HarmontClient client) {
    AuthenticationException e =
        catchThrowableOfType(AuthenticationException.class, client::getCurrentUser);
    assertThat(e.statusCode()).isEqualTo(401);
    assertThat(e.code()).isEqualTo("unauthorized");
    assertThat(e.requestId()).isNotBlank();
  }

  @Test
  void getCurrentUserReturnsTheKeysOwner() {
    TestUser user = server.newUser();

    CurrentUser me = clientFor(user).getCurrentUser();

    assertThat(me.uuid()).isEqualTo(user.id());
    assertThat(me.email()).isEqualTo(user.email());
    assertThat(me.name()).isEqualTo(user.name());
    assertThat(me.personalOrgSlug()).isNotBlank();
  }

  @Test
  void aSessionTokenWorksLikeAKey() {
    TestUser user = server.newUser();

    assertThat(clientFor(server.issueSessionToken(user)).getCurrentUser().uuid())
        .isEqualTo(user.id());
  }

  @Test
  void updateCurrentUserRenamesAndTrims() {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);

    CurrentUser renamed = client.updateCurrentUser(new UserUpdate("  Ada Lovelace  "));

    assertThat(renamed.name()).isEqualTo("Ada Lovelace");
    assertThat(renamed.uuid()).isEqualTo(user.id());
    assertThat(client.getCurrentUser().name()).isEqualTo("Ada Lovelace");
    assertThat(client.updateCurrentUser(new UserUpdate("é".repeat(255))).name())
        .isEqualTo("é".repeat(255));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "line\nbreak"})
  void anInvalidNameIs422UserNameInvalid(String name) {
    HarmontClient client = clientFor(server.newUser());

    assertUserNameInvalid(client, name);
  }

  @Test
  void aNameOf256CharactersIs422UserNameInvalid() {
    HarmontClient client = clientFor(server.newUser());

    assertUserNameInvalid(client, "x".repeat(256));
  }

  private static void assertUserNameInvalid(HarmontClient client, String name) {
    String before = client.getCurrentUser().name();

    InvalidRequestException e =
        catchThrowableOfType(
            InvalidRequestException.class, () -> client.updateCurrentUser(new UserUpdate(name)));

    assertThat(e.statusCode()).isEqualTo(422);
    assertThat(e.type()).isEqualTo("invalid_request");
    assertThat(e.code()).isEqualTo("user_name_invalid");
    assertThat(e.errorMessage()).isEqualTo("Display name must be between 1 and 255 characters.");
    assertThat(e.docUrl()).endsWith("user_name_invalid");
    assertThat(e.getMessage()).contains("user_name_invalid", e.requestId());
    assertThat(client.getCurrentUser().name()).isEqualTo(before);
  }

  @Test
  void aWrongTokenIs401AndNeverQuotedBack() {
    String wrong = "hm_" + "A".repeat(43);
    HarmontClient client = clientFor(wrong);

    AuthenticationException e =
        catchThrowableOfType(AuthenticationException.class, client::listApiTokens);

    assertThat(e.statusCode()).isEqualTo(401);
    assertThat(e.code()).isEqualTo("unauthorized");
    assertThat(e.requestId()).isNotBlank();
    assertThat(e.getMessage()).contains("unauthorized", e.requestId()).doesNotContain(wrong);
  }

  @Test
  void createApiTokenReturnsAnHmSecretThatAuthenticates() {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);

    CreatedApiToken created =
        client.createApiToken(ApiTokenCreate.builder().description("laptop").build());

    assertThat(created.secret()).startsWith("hm_");
    assertThat(created.apiToken().description()).isEqualTo("laptop");
    assertThat(created.apiToken().expiresAt()).isNull();
    assertThat(created.apiToken().createdAt()).isBefore(Instant.now().plusSeconds(5));
    assertThat(created.toString()).doesNotContain(created.secret());
    assertThat(client.withToken(created.secret()).getCurrentUser().uuid()).isEqualTo(user.id());
  }

  @Test
  void createApiTokenWithoutFieldsMakesAKeyWithoutDescriptionOrExpiry() {
    CreatedApiToken created =
        clientFor(server.newUser()).createApiToken(ApiTokenCreate.builder().build());

    assertThat(created.apiToken().description()).isNull();
    assertThat(created.apiToken().expiresAt()).isNull();
  }

  @Test
  void listApiTokensShowsTheKeysButNeverASecretNorASession() {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);
    String second = server.issueKey(user);
    String session = server.issueSessionToken(user);
    CreatedApiToken created =
        client.createApiToken(ApiTokenCreate.builder().description("third").build());

    ApiTokenList list = clientFor(session).listApiTokens();

    assertThat(list.apiTokens()).hasSize(3);
    assertThat(list.apiTokens()).extracting(ApiToken::id).contains(created.apiToken().id());
    assertThat(list.apiTokens()).contains(created.apiToken());
    assertThat(list.toString())
        .doesNotContain(user.token(), second, session, created.secret(), "hm_");
  }

  @Test
  void expiresAtRoundTripsAsTheSameInstant() {
    HarmontClient client = clientFor(server.newUser());
    Instant expiry = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MILLIS);

    CreatedApiToken created =
        client.createApiToken(ApiTokenCreate.builder().description("x").expiresAt(expiry).build());

    assertThat(created.apiToken().expiresAt()).isEqualTo(expiry);
    assertThat(client.listApiTokens().apiTokens())
        .filteredOn(t -> t.id().equals(created.apiToken().id()))
        .singleElement()
        .extracting(ApiToken::expiresAt)
        .isEqualTo(expiry);
  }

  @Test
  void anExpiryInThePastIs422() {
    HarmontClient client = clientFor(server.newUser());

    InvalidRequestException e =
        catchThrowableOfType(
            InvalidRequestException.class,
            () ->
                client.createApiToken(
                    ApiTokenCreate.builder().expiresAt(Instant.now().minusSeconds(60)).build()));

    assertThat(e.statusCode()).isEqualTo(422);
    assertThat(e.code()).isEqualTo("api_token_expires_at_not_in_future");
  }

  @Test
  void aDescriptionThatIsTooLongIs422() {
    HarmontClient client = clientFor(server.newUser());

    InvalidRequestException e =
        catchThrowableOfType(
            InvalidRequestException.class,
            () ->
                client.createApiToken(
                    ApiTokenCreate.builder().description("d".repeat(256)).build()));

    assertThat(e.code()).isEqualTo("api_token_description_invalid");
  }

  private SoftAuthenticator device() {
    return new SoftAuthenticator(
        server.server().relyingParty().origin(), server.server().relyingParty().id());
  }

  @Test
  void passkeysAreListedRenamedAndRemovedButNeverTheLastOne() {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);
    String laptop = device().enrol(server.baseUri(), user.token()).get("uuid").asText();
    SoftAuthenticator phone = device();
    phone.enrol(server.baseUri(), user.token());

    assertThat(client.listPasskeys().passkeys())
        .extracting(Passkey::nickname)
        .containsExactly("Passkey", "Passkey");
    Passkey renamed = client.renamePasskey(laptop, new PasskeyUpdate("Laptop"));
    assertThat(renamed.nickname()).isEqualTo("Laptop");
    assertThat(renamed.uuid()).isEqualTo(laptop);
    InvalidRequestException blank =
        catchThrowableOfType(
            InvalidRequestException.class,
            () -> client.renamePasskey(laptop, new PasskeyUpdate(" ")));
    assertThat(blank.code()).isEqualTo("passkey_nickname_invalid");

    client.deletePasskey(laptop);

    assertThat(client.listPasskeys().passkeys()).hasSize(1);
    String last = client.listPasskeys().passkeys().get(0).uuid();
    InvalidRequestException refused =
        catchThrowableOfType(InvalidRequestException.class, () -> client.deletePasskey(last));
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("passkey_last_credential");
    NotFoundException gone =
        catchThrowableOfType(NotFoundException.class, () -> client.deletePasskey(laptop));
    assertThat(gone.code()).isEqualTo("passkey_not_found");
    assertThat(clientFor(phone.signIn(server.baseUri())).getCurrentUser().uuid())
        .isEqualTo(user.id());
    assertThatThrownBy(() -> client.deletePasskey(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Nothing was sent");
  }

  @Test
  void aRevokedKeyIsUnusableAndRevokingItAgainIs404() {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);
    CreatedApiToken created = client.createApiToken(ApiTokenCreate.builder().build());
    HarmontClient withNewKey = client.withToken(created.secret());
    assertThat(withNewKey.getCurrentUser().uuid()).isEqualTo(user.id());

    client.revokeApiToken(created.apiToken().id());

    assertUnauthorized(withNewKey);
    assertThat(client.listApiTokens().apiTokens())
        .extracting(ApiToken::id)
        .doesNotContain(created.apiToken().id());
    NotFoundException again =
        catchThrowableOfType(
            NotFoundException.class, () -> client.revokeApiToken(created.apiToken().id()));
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.type()).isEqualTo("not_found");
    assertThat(again.code()).isEqualTo("api_token_not_found");
    assertThat(again.errorMessage())
        .isEqualTo("No such API key. It may have already been revoked; reload and try again.");
    assertThat(again.getMessage()).contains("api_token_not_found", again.requestId());
  }

  @Test
  void revokingAnotherUsersKeyIs404AndLeavesItUsable() {
    TestUser owner = server.newUser();
    HarmontClient ownerClient = clientFor(owner);
    String ownerKeyId = ownerClient.listApiTokens().apiTokens().get(0).id();

    assertThatThrownBy(() -> clientFor(server.newUser()).revokeApiToken(ownerKeyId))
        .isInstanceOf(NotFoundException.class)
        .extracting(e -> ((HarmontException) e).code())
        .isEqualTo("api_token_not_found");

    assertThat(ownerClient.getCurrentUser().uuid()).isEqualTo(owner.id());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "00000000-0000-4000-8000-000000000000",
        "not-a-uuid",
        "..",
        ".",
        "../..",
        "../../user",
        "a/b",
        "%2E%2E",
        "x?y#z"
      })
  void anyOtherIdIs404AndTouchesNothingElse(String id) {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);

    NotFoundException e =
        catchThrowableOfType(NotFoundException.class, () -> client.revokeApiToken(id));

    assertThat(e.code()).isEqualTo("api_token_not_found");
    assertThat(client.getCurrentUser().uuid()).isEqualTo(user.id());
    assertThat(client.listApiTokens().apiTokens()).hasSize(1);
  }

  @Test
  void deleteCurrentUserIsFinalForEveryToken() {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);
    HarmontClient otherKey = clientFor(server.issueKey(user));
    HarmontClient session = clientFor(server.issueSessionToken(user));

    client.deleteCurrentUser();

    assertUnauthorized(client);
    assertUnauthorized(otherKey);
    assertUnauthorized(session);
    assertThatThrownBy(client::deleteCurrentUser).isInstanceOf(AuthenticationException.class);
  }

  @Test
  void logoutRevokesOnlyTheSessionTokenItWasCalledWith() {
    TestUser user = server.newUser();
    HarmontClient session = clientFor(server.issueSessionToken(user));
    HarmontClient key = clientFor(user);

    session.logout();

    assertUnauthorized(session);
    assertThatThrownBy(session::logout).isInstanceOf(AuthenticationException.class);
    assertThat(key.getCurrentUser().uuid()).isEqualTo(user.id());
  }

  @Test
  void logoutWithAPersonalKeyRevokesThatKey() {
    TestUser user = server.newUser();
    HarmontClient other = clientFor(server.issueKey(user));
    HarmontClient client = clientFor(user);
    assertThat(other.listApiTokens().apiTokens()).hasSize(2);

    client.logout();

    assertUnauthorized(client);
    assertThat(other.listApiTokens().apiTokens()).hasSize(1);
  }

  @Test
  void aWrongBaseUrlPathIs404RouteNotFound() {
    HarmontClient client =
        HarmontClient.builder()
            .baseUrl(server.baseUri() + "/not-the-api")
            .token(server.newUser().token())
            .build();

    NotFoundException e = catchThrowableOfType(NotFoundException.class, client::getCurrentUser);

    assertThat(e.code()).isEqualTo("route_not_found");
  }

  @Test
  void concurrentCallsShareOneClient() throws Exception {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);
    List<Thread> threads = new java.util.ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      Thread t =
          new Thread(
              () -> {
                try {
                  client.createApiToken(ApiTokenCreate.builder().description("t" + n).build());
                  client.listApiTokens();
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }

    assertThat(failures).isEmpty();
    assertThat(client.listApiTokens().apiTokens()).hasSize(9);
  }

  // ---- Key lifecycle: hints, which key is this, rotation, the security log ----

  @Test
  void keysCarryTheirHintAndGetCurrentTokenSaysWhichKeyIsUsed() {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);
    Instant expiry = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
    CreatedApiToken created =
        client.createApiToken(
            ApiTokenCreate.builder().description("deploy").expiresAt(expiry).build());

    CurrentToken current = client.withToken(created.secret()).getCurrentToken();

    assertThat(created.secret()).matches("hm_[0-9A-Za-z]{49}");
    assertThat(created.apiToken().hint()).isEqualTo(created.secret().substring(48));
    assertThat(current.kind()).isEqualTo(CurrentToken.API_KEY);
    assertThat(current.id()).isEqualTo(created.apiToken().id());
    assertThat(current.description()).isEqualTo("deploy");
    assertThat(current.hint()).isEqualTo(created.apiToken().hint());
    assertThat(current.expiresAt()).isEqualTo(expiry);
    assertThat(current.stopsWithin(Duration.ofDays(7), java.time.Clock.systemUTC())).isTrue();
    assertThat(current.stopsWithin(Duration.ofDays(1), java.time.Clock.systemUTC())).isFalse();
    assertThat(clientFor(server.issueSessionToken(user)).getCurrentToken().kind())
        .isEqualTo(CurrentToken.SESSION);
  }

  @Test
  void rotateApiTokenReplacesTheSecretAndAGracePeriodKeepsTheOldOneWorking() {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);
    CreatedApiToken created =
        client.createApiToken(ApiTokenCreate.builder().description("ci").build());
    String id = created.apiToken().id();

    CreatedApiToken graceful =
        client.rotateApiToken(
            id, ApiTokenRotate.builder().gracePeriod(Duration.ofMinutes(10)).build());

    assertThat(graceful.apiToken().id()).isEqualTo(id);
    assertThat(graceful.apiToken().description()).isEqualTo("ci");
    assertThat(graceful.secret()).isNotEqualTo(created.secret());
    CurrentToken old = client.withToken(created.secret()).getCurrentToken();
    assertThat(old.previousSecretEndsAt()).isAfter(Instant.now().plus(Duration.ofMinutes(9)));
    assertThat(old.stopsAt()).isEqualTo(old.previousSecretEndsAt());

    CreatedApiToken abrupt =
        client.rotateApiToken(
            id,
            ApiTokenRotate.builder()
                .expiresAt(Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS))
                .build());

    assertUnauthorized(client.withToken(created.secret()));
    assertUnauthorized(client.withToken(graceful.secret()));
    assertThat(client.withToken(abrupt.secret()).getCurrentUser().uuid()).isEqualTo(user.id());
    assertThat(abrupt.apiToken().expiresAt()).isNotNull();
    assertThat(
            client
                .rotateApiToken(id, ApiTokenRotate.builder().neverExpires().build())
                .apiToken()
                .expiresAt())
        .isNull();
  }

  @Test
  void rotatingAnotherUsersKeyIsNotFound() {
    HarmontClient alice = clientFor(server.newUser());
    String bobsKey = clientFor(server.newUser()).listApiTokens().apiTokens().get(0).id();

    NotFoundException e =
        catchThrowableOfType(
            NotFoundException.class,
            () -> alice.rotateApiToken(bobsKey, ApiTokenRotate.builder().build()));

    assertThat(e.code()).isEqualTo("api_token_not_found");
  }

  @Test
  void listEventsPagesThroughTheSecurityLogNewestFirst() {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);
    for (int i = 0; i < 4; i++) {
      client.updateCurrentUser(new UserUpdate("Name " + i));
    }
    String id = client.listApiTokens().apiTokens().get(0).id();
    client.rotateApiToken(id, ApiTokenRotate.builder().gracePeriod(Duration.ofMinutes(1)).build());

    List<SecurityEvent> all = new java.util.ArrayList<>();
    java.util.Optional<EventListParams> params =
        java.util.Optional.of(EventListParams.builder().limit(2).build());
    int pages = 0;
    while (params.isPresent()) {
      SecurityEventPage page = client.listEvents(params.get());
      all.addAll(page.events());
      params = page.nextPage(params.get());
      pages++;
    }

    assertThat(pages).isEqualTo(3);
    assertThat(all)
        .extracting(SecurityEvent::type)
        .containsExactly(
            "api_token.rotated",
            "user.renamed",
            "user.renamed",
            "user.renamed",
            "user.renamed",
            "api_token.created");
    assertThat(all.get(0).apiTokenId()).isEqualTo(id);
    assertThat(all.get(0).userAgent()).startsWith("harmont-cloud-java/");
    assertThat(all.get(0).requestId()).isNotBlank();
    assertThat(clientFor(server.newUser()).listEvents(EventListParams.builder().build()).events())
        .extracting(SecurityEvent::type)
        .containsExactly("api_token.created");
    InvalidRequestException bad =
        catchThrowableOfType(
            InvalidRequestException.class,
            () -> client.listEvents(EventListParams.builder().before("not-a-cursor").build()));
    assertThat(bad.code()).isEqualTo("events_cursor_invalid");
  }

  @Test
  void listEventsAutoPagingWalksEveryPageLazily() {
    TestUser user = server.newUser();
    HarmontClient client = clientFor(user);
    for (int i = 0; i < 11; i++) {
      client.updateCurrentUser(new UserUpdate("Name " + i));
    }
    List<SecurityEvent> byHand = new java.util.ArrayList<>();
    java.util.Optional<EventListParams> params =
        java.util.Optional.of(EventListParams.builder().limit(200).build());
    while (params.isPresent()) {
      SecurityEventPage page = client.listEvents(params.get());
      byHand.addAll(page.events());
      params = page.nextPage(params.get());
    }

    List<SecurityEvent> walked = new java.util.ArrayList<>();
    client.listEventsAutoPaging(EventListParams.builder().limit(5).build()).forEach(walked::add);

    assertThat(byHand).hasSize(12);
    assertThat(walked).isEqualTo(byHand);
    assertThat(walked).extracting(SecurityEvent::id).doesNotHaveDuplicates();
    assertThat(walked.get(11).type()).isEqualTo("api_token.created");
    assertThat(
            java.util.stream.StreamSupport.stream(
                    client
                        .listEventsAutoPaging(EventListParams.builder().limit(5).build())
                        .spliterator(),
                    false)
                .filter(e -> e.type().equals("user.renamed"))
                .count())
        .isEqualTo(11);
  }
}
