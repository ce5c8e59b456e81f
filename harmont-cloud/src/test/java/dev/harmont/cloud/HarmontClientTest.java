package dev.harmont.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.cloud.ScriptedServer.Received;
import dev.harmont.cloud.ScriptedServer.Reply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against a scripted server: request shapes, responses, errors, retries. */
class HarmontClientTest {
  private static final String TOKEN = "hm_scripted-test-token_0123456789";
  private static final String USER_JSON =
      "{\"uuid\":\"5b8f3c9e-2f7a-4d47-9a55-0a4f3d1c2b6e\",\"email\":\"ada@example.org\","
          + "\"name\":\"Ada\",\"personal_org_slug\":\"ada\"}";
  private static final String TOKEN_JSON =
      "{\"id\":\"0d3b1c4e-1111-4222-8333-944455556666\",\"description\":\"CI\","
          + "\"hint\":\"x9Qz\",\"created_at\":\"2026-01-01T10:00:00Z\",\"expires_at\":\"2030-01-02T03:04:05Z\","
          + "\"last_used_at\":null}";

  private final ObjectMapper json = new ObjectMapper();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private ScriptedServer server;

  @BeforeEach
  void startServer() {
    server = ScriptedServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private HarmontClient.Builder builder() {
    return HarmontClient.builder()
        .baseUrl(server.baseUri())
        .token(TOKEN)
        .sleeper(sleeps::add)
        .environment(name -> null);
  }

  private HarmontClient client() {
    return builder().build();
  }

  // Request shapes and response mapping.

  @Test
  void getCurrentUserSendsBearerAcceptAndUserAgentAndReadsTheUser() {
    server.enqueue(Reply.json(200, USER_JSON));

    CurrentUser user = builder().userAgent("my-app/1.2").build().getCurrentUser();

    assertThat(user)
        .isEqualTo(
            new CurrentUser(
                UUID.fromString("5b8f3c9e-2f7a-4d47-9a55-0a4f3d1c2b6e"),
                "ada@example.org",
                "Ada",
                "ada"));
    Received request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.rawPath()).isEqualTo("/api/v0/user");
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(request.header("Accept")).isEqualTo("application/json");
    assertThat(request.header("User-Agent"))
        .matches("my-app/1\\.2 harmont-cloud-java/[0-9][^ ]* Java/[0-9]+");
    assertThat(request.header("Content-Type")).isNull();
    assertThat(request.body()).isEmpty();
  }

  @Test
  void userAgentNamesTheSdkAndItsVersionByDefault() {
    server.enqueue(Reply.json(200, USER_JSON));

    client().getCurrentUser();

    assertThat(server.onlyRequest().header("User-Agent"))
        .startsWith("harmont-cloud-java/" + HarmontClient.SDK_VERSION + " Java/")
        .doesNotContain("unknown");
  }

  @Test
  void updateCurrentUserPatchesTheNameAsJson() throws IOException {
    server.enqueue(Reply.json(200, USER_JSON.replace("\"Ada\"", "\"Ada Lovelace\"")));

    CurrentUser user = client().updateCurrentUser(new UserUpdate("Ada Lovelace"));

    assertThat(user.name()).isEqualTo("Ada Lovelace");
    Received request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("PATCH");
    assertThat(request.rawPath()).isEqualTo("/api/v0/user");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(json.readTree(request.body()))
        .isEqualTo(json.readTree("{\"name\":\"Ada Lovelace\"}"));
  }

  @Test
  void createApiTokenSendsTheExpiryAsUtcIsoAndReadsTheOneTimeSecret() throws IOException {
    server.enqueue(
        Reply.json(201, "{\"token\":\"hm_secret_value\",\"api_token\":" + TOKEN_JSON + "}"));

    CreatedApiToken created =
        client()
            .createApiToken(
                ApiTokenCreate.builder()
                    .description("CI")
                    .expiresAt(Instant.parse("2030-01-02T03:04:05Z"))
                    .build());

    Received request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.rawPath()).isEqualTo("/api/v0/user/api-tokens");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(json.readTree(request.body()))
        .isEqualTo(
            json.readTree("{\"description\":\"CI\",\"expires_at\":\"2030-01-02T03:04:05Z\"}"));
    assertThat(created.secret()).isEqualTo("hm_secret_value");
    assertThat(created.apiToken())
        .isEqualTo(
            new ApiToken(
                "0d3b1c4e-1111-4222-8333-944455556666",
                "CI",
                "x9Qz",
                Instant.parse("2026-01-01T10:00:00Z"),
                Instant.parse("2030-01-02T03:04:05Z"),
                null));
    assertThat(created.toString())
        .doesNotContain("hm_secret_value")
        .contains("0d3b1c4e-1111-4222-8333-944455556666");
  }

  @Test
  void rotateApiTokenSendsNullForNeverAndTheGraceInSeconds() throws IOException {
    server.enqueue(Reply.json(201, "{\"token\":\"hm_new\",\"api_token\":" + TOKEN_JSON + "}"));

    CreatedApiToken rotated =
        client()
            .rotateApiToken(
                "k1",
                ApiTokenRotate.builder()
                    .neverExpires()
                    .gracePeriod(Duration.ofMinutes(10))
                    .build());

    Received request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.rawPath()).isEqualTo("/api/v0/user/api-tokens/k1/rotate");
    assertThat(json.readTree(request.body()))
        .isEqualTo(json.readTree("{\"expires_at\":null,\"grace_period_seconds\":600}"));
    assertThat(rotated.apiToken().hint()).isEqualTo("x9Qz");
    assertThat(rotated.toString()).doesNotContain("hm_new");
  }

  @Test
  void rotateParametersAreCheckedBeforeAnyRequest() {
    assertThatThrownBy(() -> ApiTokenRotate.builder().gracePeriod(Duration.ofDays(2)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ApiTokenRotate.builder().gracePeriod(Duration.ofMillis(1500)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ApiTokenRotate.builder().neverExpires().expiresAt(Instant.now()).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client().rotateApiToken(" ", ApiTokenRotate.builder().build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventListParams.builder().limit(201).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void listEventsSendsLimitAndTheCursorEncoded() {
    server.enqueue(
        Reply.json(
            200,
            "{\"events\":[{\"id\":\"e1\",\"type\":\"user.renamed\","
                + "\"created_at\":\"2026-01-01T10:00:00Z\",\"ip\":\"10.0.0.1\","
                + "\"user_agent\":null,\"request_id\":\"req_1\",\"api_token_id\":null,"
                + "\"new_field\":1}],\"next\":\"a+b=\"}"));

    EventListParams params = EventListParams.builder().limit(2).before("x/y=").build();
    SecurityEventPage page = client().listEvents(params);

    assertThat(server.onlyRequest().rawPath()).isEqualTo("/api/v0/user/events");
    assertThat(server.onlyRequest().uri().getRawQuery()).isEqualTo("limit=2&before=x%2Fy%3D");
    assertThat(page.events())
        .singleElement()
        .extracting(SecurityEvent::type)
        .isEqualTo("user.renamed");
    assertThat(page.nextPage(params)).contains(new EventListParams(2, "a+b="));
  }

  /** A page of the security log with one event per id, and its next cursor (or null). */
  private static Reply eventPage(String next, String... ids) {
    StringBuilder events = new StringBuilder();
    for (String id : ids) {
      events
          .append(events.length() == 0 ? "" : ",")
          .append("{\"id\":\"")
          .append(id)
          .append("\",\"type\":\"user.renamed\",\"created_at\":\"2026-01-01T10:00:00Z\",")
          .append("\"ip\":null,\"user_agent\":null,\"request_id\":null,\"api_token_id\":null}");
    }
    return Reply.json(
        200,
        "{\"events\":["
            + events
            + "],\"next\":"
            + (next == null ? "null" : "\"" + next + "\"")
            + "}");
  }

  @Test
  void autoPagingFetchesEachPageWhenThePreviousOneIsUsedUp() {
    server.enqueue(eventPage("c1", "e1", "e2"), eventPage("c2", "e3", "e4"), eventPage(null, "e5"));
    Iterable<SecurityEvent> events =
        client().listEventsAutoPaging(EventListParams.builder().limit(2).build());
    assertThat(server.requests()).isEmpty();

    java.util.Iterator<SecurityEvent> it = events.iterator();
    assertThat(it.next().id()).isEqualTo("e1");
    assertThat(server.requests()).hasSize(1);
    assertThat(it.next().id()).isEqualTo("e2");
    assertThat(server.requests()).hasSize(1);
    assertThat(it.next().id()).isEqualTo("e3");
    List<String> rest = new java.util.ArrayList<>();
    it.forEachRemaining(e -> rest.add(e.id()));

    assertThat(rest).containsExactly("e4", "e5");
    assertThat(server.requests())
        .extracting(r -> r.uri().getRawQuery())
        .containsExactly("limit=2", "limit=2&before=c1", "limit=2&before=c2");
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(java.util.NoSuchElementException.class);
  }

  @Test
  void autoPagingStopsAtAnEmptyPageAndWhenTheReaderStops() {
    // An empty page that names a next one ends the walk: a third request would be unscripted.
    server.enqueue(eventPage("c1", "e1"), eventPage("c2"));
    HarmontClient client = client();
    List<String> all = new java.util.ArrayList<>();
    client.listEventsAutoPaging(EventListParams.builder().build()).forEach(e -> all.add(e.id()));
    assertThat(all).containsExactly("e1");
    assertThat(server.requests()).hasSize(2);

    server.enqueue(eventPage("c1", "e1", "e2"), eventPage(null, "e3"));
    assertThat(
            java.util.stream.StreamSupport.stream(
                    client.listEventsAutoPaging(EventListParams.builder().build()).spliterator(),
                    false)
                .findFirst())
        .hasValueSatisfying(e -> assertThat(e.id()).isEqualTo("e1"));
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void createApiTokenLeavesAbsentFieldsOut() throws IOException {
    server.enqueue(Reply.json(201, "{\"token\":\"hm_x\",\"api_token\":" + TOKEN_JSON + "}"));

    client().createApiToken(ApiTokenCreate.builder().build());

    assertThat(json.readTree(server.onlyRequest().body())).isEqualTo(json.readTree("{}"));
  }

  @Test
  void listApiTokensReadsOffsetsAsInstantsAndNullsAsNull() {
    server.enqueue(
        Reply.json(
            200,
            "{\"api_tokens\":["
                + TOKEN_JSON
                + ",{\"id\":\"k2\",\"description\":null,\"created_at\":\"2026-03-01T10:00:00+02:00\","
                + "\"expires_at\":null,\"last_used_at\":\"2026-03-02T00:00:00.123456Z\"}]}"));

    ApiTokenList list = client().listApiTokens();

    assertThat(server.onlyRequest().rawPath()).isEqualTo("/api/v0/user/api-tokens");
    assertThat(list.apiTokens()).hasSize(2);
    ApiToken second = list.apiTokens().get(1);
    assertThat(second.id()).isEqualTo("k2");
    assertThat(second.description()).isNull();
    assertThat(second.createdAt()).isEqualTo(Instant.parse("2026-03-01T08:00:00Z"));
    assertThat(second.expiresAt()).isNull();
    assertThat(second.lastUsedAt()).isEqualTo(Instant.parse("2026-03-02T00:00:00.123456Z"));
    assertThatThrownBy(() -> list.apiTokens().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void fieldsTheSdkDoesNotKnowAreIgnored() {
    server.enqueue(
        Reply.json(
            200,
            USER_JSON.replace(
                "{", "{\"avatar\":{\"url\":\"https://x\",\"sizes\":[1,2]},\"plan\":\"pro\",")),
        Reply.json(
            200,
            "{\"has_more\":false,\"api_tokens\":["
                + TOKEN_JSON.replace("{", "{\"scopes\":[\"read\"],")
                + "]}"));

    HarmontClient client = client();

    assertThat(client.getCurrentUser().email()).isEqualTo("ada@example.org");
    assertThat(client.listApiTokens().apiTokens()).hasSize(1);
  }

  @Test
  void deleteCurrentUserAndLogoutSendNoBody() {
    server.enqueue(Reply.noContent(), Reply.noContent());
    HarmontClient client = client();

    client.deleteCurrentUser();
    client.logout();

    List<Received> requests = server.requests();
    assertThat(requests)
        .extracting(Received::method, Received::rawPath)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("DELETE", "/api/v0/user"),
            org.assertj.core.groups.Tuple.tuple("POST", "/api/v0/auth/logout"));
    assertThat(requests)
        .allSatisfy(
            r -> {
              assertThat(r.body()).isEmpty();
              assertThat(r.header("Content-Type")).isNull();
              assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "../x       | %2E%2E%2Fx",
        "a/b        | a%2Fb",
        "..         | %2E%2E",
        ".          | %2E",
        "a b?c#d&e  | a%20b%3Fc%23d%26e",
        "%2F        | %252F",
        "ünï        | %C3%BCn%C3%AF",
        "0d3b-Az_9~ | 0d3b-Az_9~"
      })
  void revokeApiTokenKeepsAnyIdInsideOnePathSegment(String id, String encoded) {
    server.enqueue(Reply.noContent());

    client().revokeApiToken(id);

    Received request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("DELETE");
    assertThat(request.rawPath()).isEqualTo("/api/v0/user/api-tokens/" + encoded);
  }

  @Test
  void aPathPrefixInTheBaseUrlIsKept() {
    server.enqueue(Reply.json(200, USER_JSON));

    HarmontClient client = builder().baseUrl(server.baseUri() + "/harmont/").build();
    client.getCurrentUser();

    assertThat(server.onlyRequest().rawPath()).isEqualTo("/harmont/api/v0/user");
    assertThat(client.baseUrl()).hasToString(server.baseUri() + "/harmont");
  }

  @Test
  void withTokenSendsTheNewTokenAndSharesTheTransport() {
    server.enqueue(Reply.json(200, USER_JSON), Reply.json(200, USER_JSON));
    HarmontClient original = client();

    HarmontClient other = original.withToken("hm_other");
    other.getCurrentUser();
    original.getCurrentUser();

    assertThat(server.requests())
        .extracting(r -> r.header("Authorization"))
        .containsExactly("Bearer hm_other", "Bearer " + TOKEN);
    assertThat(other.transport()).isSameAs(original.transport());
  }

  @Test
  void aCallerSuppliedHttpClientIsTheOneUsed() {
    // The supplied client routes through the scripted server as an HTTP proxy; the base URL's
    // host does not exist, so only that client can have delivered the request.
    server.enqueue(Reply.json(200, USER_JSON));
    HttpClient viaProxy =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", server.baseUri().getPort())))
            .build();

    HarmontClient client = builder().baseUrl("http://harmont.invalid").httpClient(viaProxy).build();
    client.getCurrentUser();

    assertThat(server.onlyRequest().uri()).hasToString("http://harmont.invalid/api/v0/user");
    assertThat(client.transport().httpClient()).isSameAs(viaProxy);
  }

  @Test
  void aSuppliedHttpClientAndAConnectTimeoutDoNotGoTogether() {
    HarmontClient.Builder builder =
        builder().httpClient(HttpClient.newHttpClient()).connectTimeout(Duration.ofSeconds(1));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("connectTimeout");
  }

  // Errors.

  @ParameterizedTest
  @CsvSource({
    "400, invalid_request, body_invalid_json, InvalidRequestException",
    "401, unauthorized, unauthorized, AuthenticationException",
    "404, not_found, api_token_not_found, NotFoundException",
    "405, invalid_request, method_not_allowed, InvalidRequestException",
    "409, conflict, account_has_billing_history, InvalidRequestException",
    "413, invalid_request, payload_too_large, InvalidRequestException",
    "415, invalid_request, unsupported_media_type, InvalidRequestException",
    "422, invalid_request, user_name_invalid, InvalidRequestException",
    "429, rate_limited, rate_limited, RateLimitException",
    "500, api_error, internal_error, ServerException",
    "503, api_error, service_unavailable, ServerException"
  })
  void anErrorEnvelopeBecomesTheExceptionForItsStatus(
      int status, String type, String code, String exceptionClass) {
    server.enqueue(Reply.error(status, type, code, "Say what to fix.", "req_abc123"));

    HarmontException e =
        catchThrowableOfType(
            HarmontException.class, () -> builder().maxRetries(0).build().getCurrentUser());

    assertThat(e.getClass().getSimpleName()).isEqualTo(exceptionClass);
    assertThat(e.statusCode()).isEqualTo(status);
    assertThat(e.type()).isEqualTo(type);
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.errorMessage()).isEqualTo("Say what to fix.");
    assertThat(e.docUrl()).isEqualTo("https://docs.harmont.dev/api/errors/" + code);
    assertThat(e.requestId()).isEqualTo("req_abc123");
    assertThat(e.apiError())
        .contains(
            new ApiError(
                type,
                code,
                "Say what to fix.",
                "https://docs.harmont.dev/api/errors/" + code,
                "req_abc123"));
    assertThat(e.getMessage())
        .contains("Say what to fix.", code, "req_abc123", String.valueOf(status))
        .doesNotContain(TOKEN);
  }

  @Test
  void aNonJsonErrorPageStillGivesStatusSnippetAndRequestId() {
    server.enqueue(
        Reply.text(
                502,
                "text/html",
                "<html>\n  <head><title>502 Bad Gateway</title></head>\n  <body>nginx</body>\n</html>")
            .withHeader("X-Request-Id", "lb-7f3a"));

    ServerException e =
        catchThrowableOfType(
            ServerException.class, () -> builder().maxRetries(0).build().listApiTokens());

    assertThat(e.statusCode()).isEqualTo(502);
    assertThat(e.code()).isNull();
    assertThat(e.apiError()).isEmpty();
    assertThat(e.requestId()).isEqualTo("lb-7f3a");
    assertThat(e.getMessage())
        .contains("HTTP 502", "text/html", "<title>502 Bad Gateway</title>", "lb-7f3a")
        .contains("GET /api/v0/user/api-tokens")
        .doesNotContain("\n");
  }

  @Test
  void anEmptyErrorBodyWithoutRequestIdSaysSo() {
    server.enqueue(new Reply(413, Map.of(), new byte[0], false, false));

    InvalidRequestException e =
        catchThrowableOfType(
            InvalidRequestException.class, () -> client().updateCurrentUser(new UserUpdate("Ada")));

    assertThat(e.statusCode()).isEqualTo(413);
    assertThat(e.requestId()).isNull();
    assertThat(e.getMessage()).contains("HTTP 413", "an empty body", "request_id none");
  }

  @Test
  void theTokenIsScrubbedFromAPageThatEchoesIt() {
    server.enqueue(
        Reply.text(
            400, "text/html", "<p>Bad request. Your header was: Authorization: Bearer " + TOKEN));

    HarmontException e = catchThrowableOfType(HarmontException.class, client()::getCurrentUser);

    assertThat(e.getMessage()).doesNotContain(TOKEN).contains("<redacted>");
  }

  @Test
  void aSuccessBodyThatBreaksTheContractIsReportedWithWhatIsWrong() {
    server.enqueue(
        Reply.json(200, "{\"uuid\":\"5b8f3c9e-2f7a-4d47-9a55-0a4f3d1c2b6e\"}")
            .withHeader("X-Request-Id", "req_1"),
        Reply.text(200, "text/html", "<html>portal login</html>"),
        Reply.json(200, "{\"api_tokens\":[{\"id\":\"k\",\"created_at\":\"yesterday\"}]}"));
    HarmontClient client = client();

    assertThatThrownBy(client::getCurrentUser)
        .isExactlyInstanceOf(HarmontException.class)
        .hasMessageContaining("field `email` is missing")
        .hasMessageContaining("req_1");
    assertThatThrownBy(client::getCurrentUser)
        .isExactlyInstanceOf(HarmontException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(client::listApiTokens)
        .isExactlyInstanceOf(HarmontException.class)
        .hasMessageContaining("`created_at` is not an RFC 3339 date-time");
  }

  @Test
  void aRedirectIsNotFollowed() {
    server.enqueue(
        Reply.text(302, "text/plain", "").withHeader("Location", "http://evil.invalid/"));

    HarmontException e = catchThrowableOfType(HarmontException.class, client()::getCurrentUser);

    assertThat(e).isExactlyInstanceOf(HarmontException.class);
    assertThat(e.statusCode()).isEqualTo(302);
    assertThat(server.requests()).hasSize(1);
  }

  // Retries.

  @ParameterizedTest
  @ValueSource(ints = {429, 502, 503, 504})
  void aGetIsRetriedAfterATransientStatus(int status) {
    server.enqueue(
        Reply.error(status, "api_error", "x", "Busy.", "req_1"), Reply.json(200, USER_JSON));

    CurrentUser user = client().getCurrentUser();

    assertThat(user.email()).isEqualTo("ada@example.org");
    assertThat(server.requests()).hasSize(2);
    assertThat(sleeps).hasSize(1);
    assertThat(sleeps.get(0))
        .isBetween(Duration.ofMillis(250), Duration.ofMillis(500).minusNanos(1));
  }

  @Test
  void patchAndDeleteAreRetriedToo() {
    server.enqueue(
        Reply.error(503, "api_error", "service_unavailable", "Busy.", "r1"),
        Reply.json(200, USER_JSON),
        Reply.error(504, "api_error", "x", "Gateway timeout.", "r2"),
        Reply.noContent(),
        Reply.dropConnection(),
        Reply.noContent());
    HarmontClient client = client();

    client.updateCurrentUser(new UserUpdate("Ada"));
    client.revokeApiToken("k1");
    client.deleteCurrentUser();

    assertThat(server.requests())
        .extracting(Received::method)
        .containsExactly("PATCH", "PATCH", "DELETE", "DELETE", "DELETE", "DELETE");
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void retriesStopAfterMaxRetriesWithGrowingBackoff() {
    for (int i = 0; i < 5; i++) {
      server.enqueue(Reply.error(503, "api_error", "service_unavailable", "Busy.", "req_" + i));
    }

    ServerException e =
        catchThrowableOfType(
            ServerException.class, () -> builder().maxRetries(3).build().getCurrentUser());

    assertThat(e.requestId()).isEqualTo("req_3");
    assertThat(server.requests()).hasSize(4);
    assertThat(sleeps).hasSize(3);
    assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(250), Duration.ofMillis(499));
    assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(500), Duration.ofMillis(999));
    assertThat(sleeps.get(2)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(1999));
  }

  @Test
  void retryAfterInSecondsIsWaitedExactly() {
    server.enqueue(
        Reply.error(429, "rate_limited", "rate_limited", "Slow down.", "r")
            .withHeader("Retry-After", "7"),
        Reply.json(200, USER_JSON));

    client().getCurrentUser();

    assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterAsAnHttpDateIsWaitedUntil() {
    Instant now = Instant.parse("2026-11-29T10:00:00Z");
    String inThirtySeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(30).atOffset(ZoneOffset.UTC));
    server.enqueue(
        Reply.error(503, "api_error", "service_unavailable", "Busy.", "r")
            .withHeader("Retry-After", inThirtySeconds),
        Reply.json(200, USER_JSON));

    builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build().getCurrentUser();

    assertThat(sleeps).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void aRetryAfterLongerThanAMinuteIsNotWaitedForButReported() {
    server.enqueue(
        Reply.error(429, "rate_limited", "rate_limited", "Slow down.", "r")
            .withHeader("Retry-After", "3600"),
        Reply.json(200, USER_JSON));

    RateLimitException e = catchThrowableOfType(RateLimitException.class, client()::getCurrentUser);

    assertThat(e.retryAfter()).contains(Duration.ofHours(1));
    assertThat(server.requests()).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aThrottledRefusedTokenIsAnAuthenticationErrorAtOnceNotRetried() {
    server.enqueue(
        Reply.error(429, "rate_limited", "rate_limited", "Too many failed authentications.", "r")
            .withHeader("Retry-After", "5")
            .withHeader("WWW-Authenticate", "Bearer realm=\"harmont\", error=\"invalid_token\""),
        Reply.json(200, USER_JSON));

    AuthenticationException e =
        catchThrowableOfType(AuthenticationException.class, client()::getCurrentUser);

    assertThat(e.statusCode()).isEqualTo(429);
    assertThat(server.requests()).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aRateLimitOnThePostIsWaitedOutAndRetriedWithTheSameKey() {
    server.enqueue(
        Reply.error(429, "rate_limited", "rate_limited", "Slow down.", "r")
            .withHeader("Retry-After", "2"),
        Reply.json(201, "{\"token\":\"hm_x\",\"api_token\":" + TOKEN_JSON + "}"));

    CreatedApiToken created =
        client().createApiToken(ApiTokenCreate.builder().description("x").build());

    assertThat(created.secret()).isEqualTo("hm_x");
    assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
    List<Received> requests = server.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).header("Idempotency-Key"))
        .isNotBlank()
        .isEqualTo(requests.get(1).header("Idempotency-Key"));
    assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
  }

  @ParameterizedTest
  @ValueSource(ints = {502, 503, 504})
  void thePostsAreRetriedWithOneNewKeyPerCall(int status) {
    String created = "{\"token\":\"hm_x\",\"api_token\":" + TOKEN_JSON + "}";
    server.enqueue(
        Reply.error(status, "api_error", "x", "Busy.", "r1"),
        Reply.json(201, created),
        Reply.error(status, "api_error", "x", "Busy.", "r2"),
        Reply.json(201, created),
        Reply.error(status, "api_error", "x", "Busy.", "r3"),
        Reply.noContent());
    HarmontClient client = client();

    client.createApiToken(ApiTokenCreate.builder().build());
    client.rotateApiToken("k1", ApiTokenRotate.builder().build());
    client.logout();

    List<Received> requests = server.requests();
    assertThat(requests).extracting(Received::method).containsOnly("POST").hasSize(6);
    List<String> keys = requests.stream().map(r -> r.header("Idempotency-Key")).toList();
    assertThat(keys).doesNotContainNull();
    assertThat(keys.get(1)).isEqualTo(keys.get(0));
    assertThat(keys.get(3)).isEqualTo(keys.get(2));
    assertThat(keys.get(5)).isEqualTo(keys.get(4));
    assertThat(List.of(keys.get(0), keys.get(2), keys.get(4))).doesNotHaveDuplicates();
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void aKeyStillInUseIsRetriedButOtherConflictsAreNot() {
    server.enqueue(
        Reply.error(409, "conflict", "idempotency_key_in_use", "Still running.", "r1")
            .withHeader("Retry-After", "1"),
        Reply.json(201, "{\"token\":\"hm_x\",\"api_token\":" + TOKEN_JSON + "}"),
        Reply.error(409, "conflict", "api_token_rotation_conflict", "Lost a race.", "r2"));
    HarmontClient client = client();

    assertThat(client.createApiToken(ApiTokenCreate.builder().build()).secret()).isEqualTo("hm_x");
    InvalidRequestException e =
        catchThrowableOfType(
            InvalidRequestException.class,
            () -> client.rotateApiToken("k1", ApiTokenRotate.builder().build()));

    assertThat(e.code()).isEqualTo("api_token_rotation_conflict");
    assertThat(server.requests()).hasSize(3);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void onlyThePostsCarryAnIdempotencyKey() {
    server.enqueue(
        Reply.json(200, USER_JSON),
        Reply.json(200, USER_JSON),
        Reply.noContent(),
        Reply.noContent());
    HarmontClient client = client();

    client.getCurrentUser();
    client.updateCurrentUser(new UserUpdate("Ada"));
    client.revokeApiToken("k1");
    client.logout();

    assertThat(server.requests())
        .extracting(r -> r.method() + " " + (r.header("Idempotency-Key") != null))
        .containsExactly("GET false", "PATCH false", "DELETE false", "POST true");
  }

  @Test
  void statusesThatRetryingCannotFixAreNotRetried() {
    server.enqueue(
        Reply.error(500, "api_error", "internal_error", "Oops.", "r1"),
        Reply.error(401, "unauthorized", "unauthorized", "No.", "r2"),
        Reply.error(404, "not_found", "api_token_not_found", "No such key.", "r3"),
        Reply.error(422, "invalid_request", "user_name_invalid", "Bad name.", "r4"));
    HarmontClient client = client();

    assertThatThrownBy(client::getCurrentUser).isInstanceOf(ServerException.class);
    assertThatThrownBy(client::listApiTokens).isInstanceOf(AuthenticationException.class);
    assertThatThrownBy(() -> client.revokeApiToken("k")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> client.updateCurrentUser(new UserUpdate("")))
        .isInstanceOf(InvalidRequestException.class);

    assertThat(server.requests()).hasSize(4);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aConnectionCutOnEveryAttemptIsRetriedThenReported() {
    // The JDK's HttpClient may itself resend a GET once on a cut connection, so the server may see
    // more requests than the SDK made attempts; the SDK's own retries are the sleeps between them.
    for (int i = 0; i < 12; i++) {
      server.enqueue(Reply.dropConnection());
    }

    ConnectionException e =
        catchThrowableOfType(ConnectionException.class, client()::getCurrentUser);

    assertThat(e.getMessage()).contains("GET /api/v0/user", "after 3 attempts");
    assertThat(sleeps).hasSize(2);
    assertThat(server.requests()).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void aCutConnectionOnCreateIsRetriedWithTheSameKey() {
    server.enqueue(
        Reply.dropConnection(),
        Reply.json(201, "{\"token\":\"hm_x\",\"api_token\":" + TOKEN_JSON + "}"));

    CreatedApiToken created = client().createApiToken(ApiTokenCreate.builder().build());

    assertThat(created.secret()).isEqualTo("hm_x");
    List<Received> requests = server.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).header("Idempotency-Key"))
        .isEqualTo(requests.get(0).header("Idempotency-Key"));
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void aPostCutOnEveryAttemptIsReportedAfterItsRetries() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(Reply.dropConnection());
    }

    ConnectionException e =
        catchThrowableOfType(ConnectionException.class, () -> client().logout());

    assertThat(e.statusCode()).isZero();
    assertThat(e.getMessage())
        .contains("POST /api/v0/auth/logout", "after 3 attempts")
        .doesNotContain("not retried");
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void aRefusedConnectionIsRetriedThenReported() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    HarmontClient client = builder().baseUrl("http://127.0.0.1:" + closedPort).build();

    ConnectionException e = catchThrowableOfType(ConnectionException.class, client::listApiTokens);

    assertThat(e).isNotInstanceOf(RequestTimeoutException.class);
    assertThat(e.statusCode()).isZero();
    assertThat(e.requestId()).isNull();
    assertThat(e.getMessage())
        .contains("GET /api/v0/user/api-tokens", "127.0.0.1:" + closedPort, "after 3 attempts")
        .doesNotContain(TOKEN);
    assertThat(e.getCause()).isInstanceOf(IOException.class);
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void noResponseWithinTheRequestTimeoutIsATimeout() {
    server.enqueue(Reply.hang());

    RequestTimeoutException e =
        catchThrowableOfType(
            RequestTimeoutException.class,
            () ->
                builder()
                    .maxRetries(0)
                    .requestTimeout(Duration.ofMillis(200))
                    .build()
                    .getCurrentUser());

    assertThat(e.getMessage()).contains("GET /api/v0/user", "timed out");
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aTimedOutGetIsRetried() {
    server.enqueue(Reply.hang(), Reply.json(200, USER_JSON));

    CurrentUser user = builder().requestTimeout(Duration.ofMillis(300)).build().getCurrentUser();

    assertThat(user.email()).isEqualTo("ada@example.org");
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void anInterruptWhileWaitingToRetryStopsTheCallAndKeepsTheFlag() {
    server.enqueue(Reply.error(503, "api_error", "service_unavailable", "Busy.", "r1"));
    HarmontClient client =
        builder()
            .sleeper(
                d -> {
                  throw new InterruptedException();
                })
            .build();

    try {
      assertThatThrownBy(client::getCurrentUser)
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted(); // clear it for the next test on this thread
    }
    assertThat(server.requests()).hasSize(1);
  }

  // Validation before any I/O, and secrets kept out of strings.

  @Test
  void aBlankOrMissingTokenIsRefusedWithWhatToDo() {
    assertThatThrownBy(() -> HarmontClient.builder().token("   "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank")
        .hasMessageContaining("HARMONT_TOKEN");
    assertThatThrownBy(() -> HarmontClient.builder().token(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> HarmontClient.builder().environment(name -> null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing")
        .hasMessageContaining("HARMONT_TOKEN");
    assertThatThrownBy(() -> HarmontClient.builder().environment(name -> "").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> client().withToken("\t")).isInstanceOf(IllegalArgumentException.class);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void aTokenWithInnerWhiteSpaceIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> HarmontClient.builder().token("hm_abc def_secretpart"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("position 6")
        .message()
        .doesNotContain("secretpart");
    assertThatThrownBy(() -> HarmontClient.builder().token("hm_abc\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theTokenIsReadFromTheEnvironmentAndSurroundingWhiteSpaceDropped() {
    server.enqueue(Reply.json(200, USER_JSON));

    HarmontClient.builder()
        .baseUrl(server.baseUri())
        .environment(name -> name.equals("HARMONT_TOKEN") ? " hm_from_env\n" : null)
        .build()
        .getCurrentUser();

    assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer hm_from_env");
  }

  @Test
  void anExplicitTokenWinsOverTheEnvironment() {
    server.enqueue(Reply.json(200, USER_JSON));

    builder().environment(name -> "hm_from_env").build().getCurrentUser();

    assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer " + TOKEN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\n\t"})
  void aBlankIdIsRefusedBeforeAnyRequest(String id) {
    HarmontClient client = client();

    assertThatThrownBy(() -> client.revokeApiToken(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listApiTokens")
        .hasMessageContaining("Nothing was sent");
    assertThatThrownBy(() -> client.revokeApiToken(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void missingParametersAreRefusedBeforeAnyRequest() {
    HarmontClient client = client();

    assertThatThrownBy(() -> client.updateCurrentUser(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new UserUpdate(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> client.createApiToken(null)).isInstanceOf(NullPointerException.class);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void toStringNeverShowsTheToken() {
    HarmontClient client = client();

    assertThat(client.toString()).doesNotContain(TOKEN).contains(server.baseUri().toString());
    assertThat(client.withToken("hm_derived_secret").toString())
        .doesNotContain("hm_derived_secret");
  }

  @Test
  void theBaseUrlDefaultsToUpstreamAndMustBeAbsoluteHttp() {
    assertThat(HarmontClient.builder().token(TOKEN).build().baseUrl())
        .hasToString("https://api.harmont.dev");
    for (String bad :
        List.of("api.harmont.dev", "ftp://api.harmont.dev", "https://h/?q=1", "https://u:p@h/")) {
      assertThatThrownBy(() -> HarmontClient.builder().baseUrl(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("absolute http or https URL");
    }
  }

  @Test
  void builderSettingsAreChecked() {
    HarmontClient.Builder builder = HarmontClient.builder();

    assertThatThrownBy(() -> builder.maxRetries(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.maxRetries(11)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.userAgent("app\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.userAgent(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
