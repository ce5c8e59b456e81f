package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.RawHttp;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated hostile input at every endpoint: JSON of any shape (deep nesting, huge numbers,
 * duplicate keys, escaped NUL and lone surrogates), random bytes under any {@code Content-Type}, 10
 * KB header values, traversal and percent-encoded slashes in ids, any Unicode. Whatever comes in,
 * the answer is a 4xx envelope with a catalog code or a correct 2xx, never a 5xx and never a hang;
 * another user's data never changes, and the caller's own data changes only when the request was
 * accepted.
 *
 * <p>Also odd method tokens ({@code get}, {@code FOO}) and percent-encoded separators ({@code %2F},
 * {@code %5c}) in the paths of fixed routes: never served as the endpoint they resemble.
 *
 * <p>One server per backend for the whole class (tries must stay cheap), with the default limits:
 * most tries fail authentication on purpose, so the attacker's address is soon over the failure
 * limit, and the valid keys of the attacker and the victim must be served all along; snapshots
 * leave out {@code last_used_at}, which authentication writes in the background. The attacker is
 * replaced after every accepted request that changed their keys or account, so each try starts from
 * a user with exactly one key.
 */
class HostileInputPropertiesTest {
  private static final ObjectMapper LENIENT = new ObjectMapper();
  private static final Pattern WELL_FORMED_REQUEST_ID =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private static final String USER = "/api/v0/user";
  private static final String TOKENS = "/api/v0/user/api-tokens";

  /**
   * jqwik makes one instance per property; the servers must outlive them, so they live in a
   * container-scoped holder filled and emptied by the container lifecycle hooks.
   */
  private static final Map<Backend, Target> TARGETS = new EnumMap<>(Backend.class);

  /** A running server with its clients and a victim whose data no request may change. */
  private record Target(
      TestServer server,
      Api api,
      RawHttp raw,
      TestUser victim,
      String victimKey,
      AtomicReference<Attacker> currentAttacker) {
    void close() {
      server.close();
    }

    /** The caller of the next try: the last one, unless its data was changed on purpose. */
    Attacker attacker() {
      Attacker current = currentAttacker.get();
      if (current == null) {
        TestUser user = server.newUser();
        current =
            new Attacker(
                user, api.get(TOKENS, user.token()).json().at("/api_tokens/0/id").asText());
        currentAttacker.set(current);
      }
      return current;
    }

    void retireAttacker() {
      currentAttacker.set(null);
    }
  }

  /** The user sending the hostile requests, and the id of their one key. */
  private record Attacker(TestUser user, String keyId) {}

  /** One endpoint (or a non-endpoint) the generators aim at. */
  enum Endpoint {
    GET_USER("GET", USER),
    UPDATE_USER("PATCH", USER),
    DELETE_USER("DELETE", USER),
    LIST_KEYS("GET", TOKENS),
    CREATE_KEY("POST", TOKENS),
    REVOKE_KEY("DELETE", TOKENS + "/"),
    LOGOUT("POST", "/api/v0/auth/logout"),
    CURRENT_TOKEN("GET", "/api/v0/auth/token"),
    EVENTS("GET", "/api/v0/user/events"),
    PUT_USER("PUT", USER),
    HEALTH("GET", "/healthz"),
    READY("GET", "/readyz"),
    OPENAPI("GET", "/api/v0/openapi.json"),
    ERROR_DOC("GET", "/docs/errors/body_invalid_json"),
    NOWHERE("POST", "/api/v0/nowhere");

    final String method;
    final String path;

    Endpoint(String method, String path) {
      this.method = method;
      this.path = path;
    }
  }

  @BeforeContainer
  static void startServers() {
    for (Backend backend : Backend.all()) {
      MutableClock clock = MutableClock.startingNow();
      TestServer server = TestServer.start(backend, config -> config.clock(clock));
      Api api = new Api(server.baseUri());
      TestUser victim = server.newUser();
      server.issueKey(victim);
      String victimKey = api.get(TOKENS, victim.token()).json().at("/api_tokens/0/id").asText();
      TARGETS.put(
          backend,
          new Target(
              server,
              api,
              new RawHttp(server.baseUri(), Duration.ofSeconds(10)),
              victim,
              victimKey,
              new AtomicReference<>()));
    }
  }

  @AfterContainer
  static void stopServers() {
    TARGETS.values().forEach(Target::close);
    TARGETS.clear();
  }

  // ---- Properties ----

  @Property(tries = 250)
  void generatedJsonBodiesGetAnEnvelopeOrACorrectAnswer(
      @ForAll("backends") Backend backend,
      @ForAll Endpoint endpoint,
      @ForAll("jsonBodies") String body) {
    exchange(
        backend,
        endpoint,
        null,
        (target, attacker, path) ->
            RawHttp.Request.of(endpoint.method, path)
                .header("Authorization", "Bearer " + attacker.token())
                .header("Content-Type", "application/json")
                .body(body.getBytes(StandardCharsets.UTF_8)),
        body);
  }

  @Property(tries = 150)
  void randomBytesUnderAnyContentTypeGetAnEnvelopeOrACorrectAnswer(
      @ForAll("backends") Backend backend,
      @ForAll Endpoint endpoint,
      @ForAll("contentTypes") Optional<byte[]> contentType,
      @ForAll("randomBodies") byte[] body) {
    exchange(
        backend,
        endpoint,
        null,
        (target, attacker, path) -> {
          RawHttp.Request request =
              RawHttp.Request.of(endpoint.method, path)
                  .header("Authorization", "Bearer " + attacker.token())
                  .body(body);
          return contentType.map(type -> request.header("Content-Type", type)).orElse(request);
        },
        new String(body, StandardCharsets.UTF_8));
  }

  @Property(tries = 200)
  void hostileIdsNeverRevokeAnotherUsersKey(
      @ForAll("backends") Backend backend, @ForAll("hostileIds") HostileId id) {
    exchange(
        backend,
        Endpoint.REVOKE_KEY,
        id,
        (target, attacker, path) ->
            RawHttp.Request.of("DELETE", path)
                .header("Authorization", "Bearer " + attacker.token()),
        null);
  }

  @Property(tries = 150)
  void oddHeadersGetAnEnvelopeOrACorrectAnswer(
      @ForAll("backends") Backend backend,
      @ForAll Endpoint endpoint,
      @ForAll("authorizations") Authorization authorization,
      @ForAll("headerNames") String extraName,
      @ForAll("headerValues") byte[] extraValue) {
    Response response =
        exchange(
            backend,
            endpoint,
            null,
            (target, attacker, path) ->
                authorization
                    .apply(RawHttp.Request.of(endpoint.method, path), attacker.token())
                    .header(extraName, extraValue),
            null);
    assertThat(response.header("X-Request-Id")).matches(WELL_FORMED_REQUEST_ID);
  }

  @Property(tries = 150)
  void anyUnicodeNameIsStoredAsSentOrRefusedWithItsCode(
      @ForAll("backends") Backend backend, @ForAll("hostileText") String name) {
    Response response =
        exchange(
            backend,
            Endpoint.UPDATE_USER,
            null,
            (target, attacker, path) ->
                RawHttp.Request.of("PATCH", path)
                    .header("Authorization", "Bearer " + attacker.token())
                    .header("Content-Type", "application/json")
                    .body(("{\"name\":" + jsonString(name) + "}").getBytes(StandardCharsets.UTF_8)),
            null);
    if (response.status() == 200) {
      assertThat(response.json().get("name").asText()).isEqualTo(name.strip());
    } else {
      assertThat(response.code()).isIn("user_name_invalid", "body_invalid_json");
      assertThat(acceptableText(name.strip(), 1)).isFalse();
    }
  }

  @Property(tries = 150)
  void anyUnicodeDescriptionIsStoredAsSentOrRefusedWithItsCode(
      @ForAll("backends") Backend backend, @ForAll("hostileText") String description) {
    String body = "{\"description\":" + jsonString(description) + "}";
    Response response =
        exchange(
            backend,
            Endpoint.CREATE_KEY,
            null,
            (target, attacker, path) ->
                RawHttp.Request.of("POST", path)
                    .header("Authorization", "Bearer " + attacker.token())
                    .header("Content-Type", "application/json")
                    .body(body.getBytes(StandardCharsets.UTF_8)),
            body);
    if (response.status() == 201) {
      String stored = response.json().at("/api_token/description").asText(null);
      assertThat(stored).isEqualTo(description.isBlank() ? null : description.strip());
    } else {
      assertThat(response.code()).isIn("api_token_description_invalid", "body_invalid_json");
      assertThat(acceptableText(description.strip(), 0)).isFalse();
    }
  }

  @Property(tries = 200)
  void oddMethodsAndEncodedSeparatorsNeverReachTheEndpointTheyResemble(
      @ForAll("backends") Backend backend,
      @ForAll Endpoint endpoint,
      @ForAll("methodTokens") String token,
      @ForAll("encodedSeparators") Optional<String> separator,
      @ForAll("separatorPositions") int position) {
    // A method spelt as its name stands for the endpoint's own (another would be another endpoint).
    String method = KNOWN_METHODS.contains(token) ? endpoint.method : token;
    boolean known = KNOWN_METHODS.contains(method.toUpperCase(Locale.ROOT));
    Response response =
        exchange(
            backend,
            endpoint,
            method,
            null,
            (target, attacker, path) ->
                RawHttp.Request.of(method, encodeOneSeparator(path, separator, position))
                    .header("Authorization", "Bearer " + attacker.token()),
            null);
    if (!known) {
      assertThat(response.status()).isEqualTo(405);
      assertThat(response.code()).isEqualTo("method_not_implemented");
    } else if (separator.isPresent()) {
      assertThat(response.code()).isEqualTo("route_not_found");
    } else if (!KNOWN_METHODS.contains(method)) {
      // A known method in another case: never served.
      assertThat(response.code()).isIn("method_not_allowed", "route_not_found");
    }
  }

  /**
   * {@code path} with its separator number {@code position} (modulo their count, the leading one
   * aside) encoded.
   */
  private static String encodeOneSeparator(String path, Optional<String> separator, int position) {
    if (separator.isEmpty()) {
      return path;
    }
    List<Integer> slashes = new ArrayList<>();
    for (int i = 1; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        slashes.add(i);
      }
    }
    if (slashes.isEmpty()) {
      return path + separator.get() + "x"; // one segment: an encoded separator inside it
    }
    int at = slashes.get(position % slashes.size());
    return path.substring(0, at) + separator.get() + path.substring(at + 1);
  }

  // ---- The exchange and its checks ----

  @FunctionalInterface
  interface RequestFor {
    RawHttp.Request build(Target target, TestUser attacker, String path);
  }

  /**
   * Sends one hostile request as the attacker and checks everything that must hold whatever the
   * request was. {@code sentJson} is the body when the 2xx oracle can read it (else null).
   */
  private static Response exchange(
      Backend backend, Endpoint endpoint, HostileId id, RequestFor build, String sentJson) {
    return exchange(backend, endpoint, endpoint.method, id, build, sentJson);
  }

  /** As above, for a request sent with {@code method} rather than the endpoint's own. */
  private static Response exchange(
      Backend backend,
      Endpoint endpoint,
      String method,
      HostileId id,
      RequestFor build,
      String sentJson) {
    Target target = TARGETS.get(backend);
    TestUser attacker = target.attacker().user();
    String attackerKey = target.attacker().keyId();
    String path = endpoint.path;
    if (endpoint == Endpoint.REVOKE_KEY) {
      path += id == null ? attackerKey : id.render(target.victimKey(), attackerKey);
    }
    Snapshot victimBefore = snapshot(target, target.victim().token());
    Snapshot attackerBefore = snapshot(target, attacker.token());

    RawHttp.Request request = build.build(target, attacker, path);
    Response response = target.raw().send(request);

    target.api().assertConforms(method, documentedPath(request.rawPath()), response);
    if (response.status() >= 400) {
      assertCatalogError(response);
      assertThat(snapshot(target, attacker.token()))
          .as("a refused request leaves the caller's data alone")
          .isEqualTo(attackerBefore);
    } else {
      if (EnumSet.of(
              Endpoint.CREATE_KEY, Endpoint.REVOKE_KEY, Endpoint.DELETE_USER, Endpoint.LOGOUT)
          .contains(endpoint)) {
        target.retireAttacker(); // first, so that a failed check below fails this try alone
      }
      assertCorrectSuccess(target, endpoint, attacker, attackerKey, path, sentJson, response);
    }
    assertThat(snapshot(target, target.victim().token()))
        .as("another user's data never changes")
        .isEqualTo(victimBefore);
    return response;
  }

  /**
   * The path the server routes, for finding its operation in the document: without the query, and
   * with {@code .} and {@code ..} segments resolved as the server resolves them (RFC 3986, 5.2.4).
   */
  private static String documentedPath(String path) {
    String raw = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    Deque<String> segments = new ArrayDeque<>();
    String[] parts = raw.substring(1).split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      boolean last = i == parts.length - 1;
      switch (parts[i]) {
        case "." -> {
          if (last) {
            segments.addLast("");
          }
        }
        case ".." -> {
          segments.pollLast();
          if (last) {
            segments.addLast("");
          }
        }
        default -> segments.addLast(parts[i]);
      }
    }
    return "/" + String.join("/", segments);
  }

  /** A user's profile and key list, as they read them. */
  private record Snapshot(int userStatus, String user, int keysStatus, String keys) {}

  private static Snapshot snapshot(Target target, String token) {
    Response user = target.api().get(USER, token);
    Response keys = target.api().get(TOKENS, token);
    // last_used_at is written by authentication itself, asynchronously, not by what the request
    // asked for: it is left out of the comparison.
    String keysWithoutLastUse =
        keys.body().replaceAll("\"last_used_at\":(null|\"[^\"]*\")", "\"last_used_at\":_");
    return new Snapshot(user.status(), user.body(), keys.status(), keysWithoutLastUse);
  }

  private static void assertCatalogError(Response response) {
    String code = response.code();
    ErrorCode known =
        Arrays.stream(ErrorCode.values())
            .filter(c -> c.code().equals(code))
            .findFirst()
            .orElseThrow(() -> new AssertionError("not a catalog code: " + response.body()));
    assertThat(response.status()).as("status of %s", code).isEqualTo(known.status());
    assertThat(known).isNotEqualTo(ErrorCode.INTERNAL_ERROR);
  }

  /** What each 2xx must mean, checked through the API itself. */
  private static void assertCorrectSuccess(
      Target target,
      Endpoint endpoint,
      TestUser attacker,
      String attackerKey,
      String path,
      String sentJson,
      Response response) {
    Api api = target.api();
    switch (endpoint) {
      case UPDATE_USER -> {
        assertThat(response.status()).isEqualTo(200);
        JsonNode sent = readLeniently(sentJson);
        if (sent != null) {
          assertThat(response.json().get("name").asText())
              .isEqualTo(sent.get("name").asText().strip());
        }
        assertThat(api.get(USER, attacker.token()).json()).isEqualTo(response.json());
      }
      case CREATE_KEY -> {
        assertThat(response.status()).isEqualTo(201);
        String secret = response.json().get("token").asText();
        assertThat(api.get(USER, secret).json().get("uuid").asText())
            .isEqualTo(attacker.id().toString());
      }
      case REVOKE_KEY -> {
        assertThat(response.status()).isEqualTo(204);
        // Only the caller's own key, named exactly; a matrix parameter (;x) or an empty query
        // after it is not part of the id.
        assertThat(documentedPath(path))
            .matches(Pattern.quote(TOKENS + "/" + attackerKey) + "(;.*)?");
        assertRefused(api.get(USER, attacker.token()));
      }
      case DELETE_USER, LOGOUT -> {
        assertThat(response.status()).isEqualTo(204);
        assertRefused(api.get(USER, attacker.token()));
      }
      case GET_USER, LIST_KEYS, CURRENT_TOKEN, EVENTS, HEALTH, READY, OPENAPI, ERROR_DOC ->
          assertThat(response.status()).isEqualTo(200);
      case PUT_USER, NOWHERE ->
          throw new AssertionError(endpoint + " can never succeed: " + response.body());
    }
  }

  /**
   * A credential that no longer authenticates: 401, or 429 once this address has sent more refused
   * credentials than the limit (which the tries here do on purpose).
   */
  private static void assertRefused(Response response) {
    assertThat(response.code()).isIn("unauthorized", "rate_limited");
  }

  private static JsonNode readLeniently(String json) {
    if (json == null) {
      return null;
    }
    try {
      return LENIENT.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("the server accepted what is not JSON: " + json, e);
    }
  }

  /** The documented rule for names and descriptions, written independently of the server's. */
  private static boolean acceptableText(String stripped, int minCodePoints) {
    int length = stripped.codePointCount(0, stripped.length());
    if (length < minCodePoints || length > 255) {
      return false;
    }
    for (int i = 0; i < stripped.length(); i++) {
      char c = stripped.charAt(i);
      if (Character.isSurrogate(c)) {
        boolean pair =
            Character.isHighSurrogate(c)
                && i + 1 < stripped.length()
                && Character.isLowSurrogate(stripped.charAt(i + 1));
        if (!pair) {
          return false;
        }
        i++;
        continue;
      }
      int type = Character.getType(c);
      if (type == Character.CONTROL
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        return false;
      }
    }
    return true;
  }

  // ---- Generators ----

  @Provide
  Arbitrary<Backend> backends() {
    return Arbitraries.of(Backend.all());
  }

  /** Text that trips parsers and validators: NUL, lone surrogates, RTL, emoji, long runs. */
  @Provide
  Arbitrary<String> hostileText() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(20),
            Arbitraries.of(
                "\u0000",
                "\ud800",
                "\udc00",
                "\udbff\udfff",
                "😀",
                "\u202e",
                "\u200b",
                "\u2028",
                "\u00a0",
                "\t",
                " ",
                "Ada",
                "\"",
                "\\",
                "%2F",
                "'; DROP TABLE users; --",
                "a".repeat(255),
                "é".repeat(300)));
    return pieces.list().ofMaxSize(4).map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<String> jsonBodies() {
    Arbitrary<String> field =
        Arbitraries.of("name", "description", "expires_at", "x", "", "\\u0000", "\\ud800");
    Arbitrary<String> member =
        Combinators.combine(field, jsonValue(3)).as((k, v) -> "\"" + k + "\":" + v);
    Arbitrary<String> object =
        member.list().ofMaxSize(4).map(members -> "{" + String.join(",", members) + "}");
    Arbitrary<String> duplicateKeys =
        Combinators.combine(field, jsonValue(1), jsonValue(1))
            .as((k, a, b) -> "{\"" + k + "\":" + a + ",\"" + k + "\":" + b + "}");
    Arbitrary<String> deep =
        Arbitraries.integers()
            .between(1, 3000)
            .map(n -> "{\"name\":\"Ada\",\"x\":" + "[".repeat(n) + "]".repeat(n) + "}");
    Arbitrary<String> deepObjects =
        Arbitraries.integers().between(1, 200).map(n -> "{\"a\":".repeat(n) + "1" + "}".repeat(n));
    Arbitrary<String> truncated =
        Combinators.combine(object, Arbitraries.integers().between(0, 100))
            .as((json, cut) -> json.substring(0, Math.min(cut, json.length())));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, object),
        net.jqwik.api.Tuple.of(2, duplicateKeys),
        net.jqwik.api.Tuple.of(2, deep),
        net.jqwik.api.Tuple.of(1, deepObjects),
        net.jqwik.api.Tuple.of(2, truncated),
        net.jqwik.api.Tuple.of(2, jsonValue(2)));
  }

  private Arbitrary<String> jsonValue(int depth) {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            hostileText().map(HostileInputPropertiesTest::jsonString),
            Arbitraries.of(
                "\"\\u0000\"",
                "\"\\ud800\"",
                "\"\\udfff\\ud800\"",
                "\"2030-01-01T00:00:00Z\"",
                "\"2030-13-45T99:99:99Z\"",
                "\"1970-01-01T00:00:00Z\"",
                "\"+999999999-12-31T23:59:59Z\"",
                "true",
                "null",
                "-0",
                "1e999999",
                "-1.5e-400",
                "1" + "0".repeat(99),
                "1" + "0".repeat(5000),
                "0." + "1".repeat(2000),
                "9223372036854775808"),
            Arbitraries.integers().map(Object::toString));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> array =
        jsonValue(depth - 1).list().ofMaxSize(3).map(items -> "[" + String.join(",", items) + "]");
    Arbitrary<String> object =
        Combinators.combine(hostileText(), jsonValue(depth - 1))
            .as((k, v) -> jsonString(k) + ":" + v)
            .list()
            .ofMaxSize(3)
            .map(members -> "{" + String.join(",", members) + "}");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, scalar),
        net.jqwik.api.Tuple.of(1, array),
        net.jqwik.api.Tuple.of(1, object));
  }

  @Provide
  Arbitrary<byte[]> randomBodies() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(2000),
        Arbitraries.bytes().array(byte[].class).ofMinSize(60_000).ofMaxSize(70_000));
  }

  @Provide
  Arbitrary<Optional<byte[]>> contentTypes() {
    return Arbitraries.oneOf(
            Arbitraries.of(
                    "application/json",
                    "application/json; charset=utf-8",
                    "application/json; charset=latin1",
                    "application/problem+json",
                    "application/jsonx",
                    "text/plain",
                    "multipart/form-data; boundary=x",
                    ";",
                    "application/json;;;charset",
                    "application/json; charset=\"",
                    "*/*")
                .map(type -> type.getBytes(StandardCharsets.UTF_8)),
            headerValues())
        .optional(0.8);
  }

  /** Header values: empty, printable, any Unicode as UTF-8, raw high bytes, 10 KB runs. */
  @Provide
  Arbitrary<byte[]> headerValues() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ascii().ofMaxLength(50).map(RawHttp::headerSafe),
        hostileText().map(RawHttp::headerSafe),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(200).map(RawHttp::headerSafe),
        Arbitraries.integers()
            .between(9_000, 10_240)
            .map(n -> "v".repeat(n).getBytes(StandardCharsets.US_ASCII)));
  }

  @Provide
  Arbitrary<String> headerNames() {
    return Arbitraries.of(
        "X-Request-Id",
        "Content-Type",
        "Origin",
        "X-Forwarded-For",
        "Accept",
        "Accept-Encoding",
        "Cookie",
        "X-Padding",
        "Expect",
        "If-None-Match");
  }

  private static final java.util.Set<String> KNOWN_METHODS =
      java.util.Set.of(
          "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  /** Method tokens: the endpoint's own, known ones in any case, and tokens that name nothing. */
  @Provide
  Arbitrary<String> methodTokens() {
    Arbitrary<String> known = Arbitraries.of(KNOWN_METHODS.stream().sorted().toList());
    Arbitrary<String> anyCase =
        Combinators.combine(known, Arbitraries.longs())
            .as(
                (m, bits) -> {
                  StringBuilder out = new StringBuilder();
                  for (int i = 0; i < m.length(); i++) {
                    char c = m.charAt(i);
                    out.append((bits >> i & 1) == 1 ? Character.toLowerCase(c) : c);
                  }
                  return out.toString();
                });
    Arbitrary<String> unknown =
        Arbitraries.oneOf(
            Arbitraries.of("FOO", "foo", "BREW", "PROPFIND", "M-SEARCH", "GETS", "X", "G~T", "_"),
            Arbitraries.strings()
                .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&'*+-.^_`|~")
                .ofMinLength(1)
                .ofMaxLength(12));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, known),
        net.jqwik.api.Tuple.of(3, anyCase),
        net.jqwik.api.Tuple.of(3, unknown));
  }

  /** A separator percent-encoded, in any case, or none. */
  @Provide
  Arbitrary<Optional<String>> encodedSeparators() {
    return Arbitraries.of("%2F", "%2f", "%5C", "%5c").optional(0.6);
  }

  @Provide
  Arbitrary<Integer> separatorPositions() {
    return Arbitraries.integers().between(0, 10);
  }

  /** An Authorization header (or several, or none) built around the attacker's own token. */
  record Authorization(String label, List<String> values) {
    RawHttp.Request apply(RawHttp.Request request, String token) {
      RawHttp.Request out = request;
      for (String value : values) {
        out = out.header("Authorization", value.replace("TOKEN", token));
      }
      return out;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  @Provide
  Arbitrary<Authorization> authorizations() {
    Arbitrary<String> one =
        Arbitraries.oneOf(
            Arbitraries.of(
                "Bearer TOKEN",
                "bearer TOKEN",
                "BEARER   TOKEN   ",
                "Bearer",
                "Bearer ",
                "Basic dXNlcjpwYXNz",
                "TOKEN",
                "Bearer TOKEN extra",
                "Bearer TOKEN=",
                "Bearer hm_" + "A".repeat(43),
                "Bearer \u00e9TOKEN",
                "Bearer TOKEN\u0000",
                "Bearer " + "x".repeat(10_000),
                "Bearer %68m_TOKEN"),
            hostileText().map(t -> "Bearer " + t));
    return one.list()
        .ofMaxSize(2)
        .map(values -> new Authorization(values.toString(), new ArrayList<>(values)));
  }

  /** A revocation id aimed at the victim's key, the attacker's, or nothing at all. */
  record HostileId(String template) {
    /** VICTIM and MINE in the template stand for the victim's and the attacker's key ids. */
    String render(String victimKey, String attackerKey) {
      return template.replace("VICTIM", victimKey).replace("MINE", attackerKey);
    }
  }

  @Provide
  Arbitrary<HostileId> hostileIds() {
    Arbitrary<String> prefix =
        Arbitraries.of(
            "",
            "..%2F",
            "%2e%2e/",
            "%2e%2e%2f",
            "../",
            "./",
            "%2F",
            "MINE/../",
            "MINE%2F..%2F",
            "%252e%252e%252f",
            "..;/",
            "%00",
            "%",
            "%zz",
            "%e2%82",
            "%c0%ae%c0%ae/");
    Arbitrary<String> core =
        Arbitraries.oneOf(
            Arbitraries.of("VICTIM", "MINE", "VICTIM", "MINE"),
            Arbitraries.of("VICTIM").map(v -> v.toUpperCase(java.util.Locale.ROOT)),
            Arbitraries.of(
                "%56ICTIM", "VICTIM%00", "VICTIM ", "{VICTIM}", "VICTIM?x=1", "VICTIM#x"),
            hostileText().map(RawHttp::percentEncode),
            Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40));
    Arbitrary<String> suffix = Arbitraries.of("", "/", "%2F", "/..", "%2F..%2FMINE", ";x", "?");
    return Combinators.combine(prefix, core, suffix)
        .as((p, c, s) -> new HostileId(p + c + s))
        .filter(id -> !id.template().isEmpty());
  }

  /** A JSON string literal; control characters and lone surrogates are \\u-escaped. */
  static String jsonString(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pairStart =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      if (pairStart) {
        out.append(c).append(text.charAt(++i));
      } else if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
