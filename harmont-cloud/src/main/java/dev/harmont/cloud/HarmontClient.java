package dev.harmont.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The client for the Harmont User API: the current user and their personal API keys.
 *
 * <p>Build one per application and share it; it is immutable and thread-safe, and every call is a
 * blocking HTTP exchange on the JDK's {@link HttpClient}:
 *
 * <pre>{@code
 * HarmontClient client = HarmontClient.builder().build(); // token from HARMONT_TOKEN
 * CurrentUser me = client.getCurrentUser();
 * }</pre>
 *
 * <p>A client holds one API token. To act for someone else, derive a client with {@link
 * #withToken(String)}; it shares the connection pool.
 *
 * <p><b>Errors.</b> Every method throws an unchecked {@link HarmontException} subclass when the
 * call fails: {@link AuthenticationException} (401), {@link NotFoundException} (404), {@link
 * InvalidRequestException} (other 4xx), {@link RateLimitException} (429), {@link ServerException}
 * (5xx), {@link ConnectionException} (no response).
 *
 * <p><b>Retries.</b> Every call is retried after a connection failure, a timeout, or a 429, 502,
 * 503 or 504 answer, up to {@link Builder#maxRetries(int)} times, with exponential backoff and
 * jitter, waiting as long as a {@code Retry-After} header asks (up to a minute; a longer wait is
 * not made and the error is thrown). GET, PATCH and DELETE are idempotent by nature. The POSTs
 * ({@link #createApiToken(ApiTokenCreate)}, {@link #rotateApiToken(String, ApiTokenRotate)} and
 * {@link #logout()}) are made so: each call sends a new random {@code Idempotency-Key}, the same on
 * each of its attempts, and the server carries the call out once and answers a retry with the first
 * answer (and a 409 {@code idempotency_key_in_use}, which means the first attempt is still running,
 * is retried too). So a response lost on the way back cannot create a second key or rotate twice. A
 * server that ignores {@code Idempotency-Key} would carry out a retried POST again.
 *
 * <p>The token never appears in {@link #toString()}, in exception messages or in logs.
 */
public final class HarmontClient {
  /** The upstream Harmont API, used when no base URL is set. */
  public static final URI DEFAULT_BASE_URL = URI.create("https://api.harmont.dev");

  /** The environment variable read for the token when none is given to the builder. */
  public static final String TOKEN_ENVIRONMENT_VARIABLE = "HARMONT_TOKEN";

  static final String SDK_VERSION = loadVersion();

  private final Transport transport;
  private final String token;

  private HarmontClient(Transport transport, String token) {
    this.transport = transport;
    this.token = token;
  }

  /**
   * Starts configuring a client.
   *
   * @return a new builder with the defaults: {@link #DEFAULT_BASE_URL}, the token from {@value
   *     #TOKEN_ENVIRONMENT_VARIABLE}, 10 s connect timeout, 30 s request timeout, 2 retries
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a client that is identical except for its token, sharing this client's {@link
   * HttpClient} (and so its connections). Use it to act for several users, or to try a newly
   * created key.
   *
   * @param token the API key or session token to send as {@code Authorization: Bearer <token>};
   *     surrounding white space is removed
   * @return the derived client
   * @throws IllegalArgumentException if the token is null, blank, or contains white space or
   *     control characters inside it
   */
  public HarmontClient withToken(String token) {
    return new HarmontClient(transport, checkToken(token, "withToken(...)"));
  }

  /**
   * The base URL every path is resolved against.
   *
   * @return the base URL, without a trailing slash
   */
  public URI baseUrl() {
    return URI.create(transport.baseUrl());
  }

  /**
   * Returns the authenticated user ({@code GET /api/v0/user}, operation {@code getCurrentUser}).
   *
   * @return the user the token belongs to, with their personal-organization slug
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public CurrentUser getCurrentUser() {
    return read(Call.get("/api/v0/user"), Wire::currentUser);
  }

  /**
   * Changes the current user's editable profile fields ({@code PATCH /api/v0/user}, operation
   * {@code updateCurrentUser}).
   *
   * @param update the new values
   * @return the updated user
   * @throws NullPointerException if {@code update} is null
   * @throws InvalidRequestException with code {@code user_name_invalid} if the name is blank,
   *     longer than 255 characters or contains control characters
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public CurrentUser updateCurrentUser(UserUpdate update) {
    Objects.requireNonNull(update, "update: pass new UserUpdate(name)");
    return read(Call.patch("/api/v0/user", Wire.userUpdate(update)), Wire::currentUser);
  }

  /**
   * Deletes the current user's account ({@code DELETE /api/v0/user}, operation {@code
   * deleteCurrentUser}).
   *
   * <p><strong>Irreversible.</strong> The account, its personal organization and every one of its
   * API keys and sessions are deleted; this client's token stops working at once, so every later
   * call with it throws {@link AuthenticationException}.
   *
   * <p>The call is retried after a lost response like every DELETE; if the first attempt had in
   * fact succeeded, the retry is refused with {@link AuthenticationException}, since the token died
   * with the account.
   *
   * @throws InvalidRequestException with code {@code account_has_billing_history} (409) if the
   *     account cannot be deleted yet
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public void deleteCurrentUser() {
    transport.send(Call.delete("/api/v0/user"), token);
  }

  /**
   * Lists the current user's personal API keys ({@code GET /api/v0/user/api-tokens}, operation
   * {@code listApiTokens}). Secrets are never listed; session tokens are not keys and are not
   * listed either.
   *
   * @return every key of the user
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public ApiTokenList listApiTokens() {
    return read(Call.get("/api/v0/user/api-tokens"), Wire::apiTokenList);
  }

  /**
   * Creates a personal API key ({@code POST /api/v0/user/api-tokens}, operation {@code
   * createApiToken}).
   *
   * <p><strong>The secret is returned only this once</strong>, in {@link CreatedApiToken#secret()};
   * the server stores only its hash and can never show it again. Store it before doing anything
   * else.
   *
   * <p>Retried like every call (see the class comment), with one {@code Idempotency-Key} for all of
   * its attempts: however many attempts it takes, at most one key is created, and the secret
   * returned is that key's. Only if it still fails without a response ({@link ConnectionException})
   * after every retry may a key exist whose secret you never saw; list the keys and revoke the ones
   * you do not recognise.
   *
   * @param params the description and expiry, both optional ({@code
   *     ApiTokenCreate.builder().build()} for neither)
   * @return the new key and its one-time secret
   * @throws NullPointerException if {@code params} is null
   * @throws InvalidRequestException (422) if the description is too long, or the expiry is not in
   *     the future
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public CreatedApiToken createApiToken(ApiTokenCreate params) {
    Objects.requireNonNull(params, "params: pass ApiTokenCreate.builder().build() for defaults");
    return read(
        Call.idempotentPost("/api/v0/user/api-tokens", Wire.apiTokenCreate(params)),
        Wire::createdApiToken);
  }

  /**
   * Replaces the secret of one of the current user's API keys ({@code POST
   * /api/v0/user/api-tokens/{id}/rotate}, operation {@code rotateApiToken}): same id and
   * description, a new secret and hint.
   *
   * <p><strong>The new secret is returned only this once</strong>, in {@link
   * CreatedApiToken#secret()}. The replaced secret stops working at once, or after {@link
   * ApiTokenRotate#gracePeriod()} so that running deployments can switch over; rotating again ends
   * that grace at once, and revoking the key ends both secrets.
   *
   * <p>Retried like every call (see the class comment), with one {@code Idempotency-Key} for all of
   * its attempts: the key is rotated at most once, and a retry after a lost response returns that
   * rotation's secret, even when the key rotated is the one this client authenticates with (the
   * server answers the retry by the credential and key it was sent with). Only if it still fails
   * without a response ({@link ConnectionException}) after every retry may the key have been
   * rotated with its new secret lost; rotate again (or revoke it).
   *
   * @param id the key's id, as in {@link ApiToken#id()} or {@link CurrentToken#id()}
   * @param params the expiry and grace period, all optional ({@code
   *     ApiTokenRotate.builder().build()} keeps the lifetime and stops the old secret at once)
   * @return the key and its new one-time secret
   * @throws IllegalArgumentException if the id is null or blank; nothing is sent
   * @throws NullPointerException if {@code params} is null
   * @throws NotFoundException with code {@code api_token_not_found} if the user has no such key
   * @throws InvalidRequestException with code {@code api_token_rotation_conflict} (409) if another
   *     rotation of the key won a race, {@code api_token_expired} (409) if the key has expired, or
   *     a 422 for an expiry that is not in the future
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public CreatedApiToken rotateApiToken(String id, ApiTokenRotate params) {
    requireId(id, "rotateApiToken");
    Objects.requireNonNull(params, "params: pass ApiTokenRotate.builder().build() for defaults");
    return read(
        Call.idempotentPost(
            "/api/v0/user/api-tokens/" + PathSegments.encode(id) + "/rotate",
            Wire.apiTokenRotate(params)),
        Wire::createdApiToken);
  }

  /**
   * Describes the token this client sends, without its secret ({@code GET /api/v0/auth/token},
   * operation {@code getCurrentToken}): which key is this, and when does it stop working.
   *
   * @return the API key or session the client authenticates with
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public CurrentToken getCurrentToken() {
    return read(Call.get("/api/v0/auth/token"), Wire::currentToken);
  }

  /**
   * Lists one page of the current user's security log ({@code GET /api/v0/user/events}, operation
   * {@code listEvents}), newest first: renames, keys created, rotated and revoked, sessions started
   * and ended, each with the client address, user agent and request id that caused it.
   *
   * <pre>{@code
   * EventListParams params = EventListParams.builder().limit(100).build();
   * for (Optional<EventListParams> p = Optional.of(params); p.isPresent(); ) {
   *   SecurityEventPage page = client.listEvents(p.get());
   *   page.events().forEach(System.out::println);
   *   p = page.nextPage(p.get());
   * }
   * }</pre>
   *
   * @param params the page size and cursor ({@code EventListParams.builder().build()} for the
   *     newest 50)
   * @return the page and the cursor of the next one
   * @throws NullPointerException if {@code params} is null
   * @throws InvalidRequestException with code {@code events_cursor_invalid} if the cursor did not
   *     come from a page
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public SecurityEventPage listEvents(EventListParams params) {
    Objects.requireNonNull(params, "params: pass EventListParams.builder().build() for defaults");
    StringBuilder path = new StringBuilder("/api/v0/user/events");
    char separator = '?';
    if (params.limit() != null) {
      path.append(separator).append("limit=").append(params.limit());
      separator = '&';
    }
    if (params.before() != null) {
      path.append(separator)
          .append("before=")
          .append(URLEncoder.encode(params.before(), StandardCharsets.UTF_8));
    }
    return read(Call.get(path.toString()), Wire::securityEventPage);
  }

  /**
   * Every event of the current user's security log from the page {@code params} names on, newest
   * first, as one sequence that fetches its pages while it is read (operation {@code listEvents},
   * page after page following {@link SecurityEventPage#next()}), like stripe-java's {@code
   * autoPagingIterable()}.
   *
   * <pre>{@code
   * for (SecurityEvent event : client.listEventsAutoPaging(EventListParams.builder().build())) {
   *   System.out.println(event.type() + " " + event.createdAt());
   * }
   * // As a stream, still fetched lazily:
   * Stream<SecurityEvent> rotations =
   *     StreamSupport.stream(client.listEventsAutoPaging(params).spliterator(), false)
   *         .filter(e -> e.type().equals("api_token.rotated"));
   * }</pre>
   *
   * <p>Nothing is fetched before the first {@code hasNext()}; each next page is fetched when the
   * previous one is used up, so stopping early (a {@code break}, a stream's {@code limit} or {@code
   * findFirst}) fetches no further page. Each page is one {@link #listEvents} call, retried like
   * it. Following cursors, no event is seen twice; events written after the first page was fetched
   * are not included. Every {@link Iterable#iterator()} starts again from {@code params}. The
   * iterators are not thread-safe.
   *
   * @param params the page size (larger pages: fewer requests) and where to start ({@code
   *     EventListParams.builder().build()} for the newest events, 50 per page)
   * @return the events; its iterators' {@code hasNext()} and {@code next()} throw what {@link
   *     #listEvents} throws when a page cannot be fetched
   * @throws NullPointerException if {@code params} is null
   */
  public Iterable<SecurityEvent> listEventsAutoPaging(EventListParams params) {
    Objects.requireNonNull(params, "params: pass EventListParams.builder().build() for defaults");
    return () -> new EventPages(params);
  }

  /** Walks the pages of the security log, fetching the next one when the current one ends. */
  private final class EventPages implements Iterator<SecurityEvent> {
    private EventListParams nextPage;
    private Iterator<SecurityEvent> page = Collections.emptyIterator();

    EventPages(EventListParams first) {
      this.nextPage = first;
    }

    @Override
    public boolean hasNext() {
      while (!page.hasNext() && nextPage != null) {
        SecurityEventPage fetched = listEvents(nextPage);
        page = fetched.events().iterator();
        // An empty page ends the walk even if it names a next one, so that a server repeating
        // a cursor cannot make it loop.
        nextPage = fetched.events().isEmpty() ? null : fetched.nextPage(nextPage).orElse(null);
      }
      return page.hasNext();
    }

    @Override
    public SecurityEvent next() {
      if (!hasNext()) {
        throw new NoSuchElementException("no more security events");
      }
      return page.next();
    }
  }

  /**
   * Revokes one of the current user's API keys ({@code DELETE /api/v0/user/api-tokens/{id}},
   * operation {@code revokeApiToken}).
   *
   * <p><strong>Irreversible.</strong> The key stops authenticating at once and cannot be restored;
   * create a new one if needed. Revoking the key this client uses is allowed and makes the client
   * unusable.
   *
   * <p>The id is encoded as one path segment, so whatever it contains ({@code /}, {@code ..}) it
   * can only ever name a key. A retry after a lost response may answer {@link NotFoundException}
   * although the first attempt revoked the key.
   *
   * @param id the key's id, as in {@link ApiToken#id()}
   * @throws IllegalArgumentException if the id is null or blank; nothing is sent
   * @throws NotFoundException with code {@code api_token_not_found} if the user has no such key
   *     (unknown, already revoked, or someone else's)
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public void revokeApiToken(String id) {
    requireId(id, "revokeApiToken");
    transport.send(Call.delete("/api/v0/user/api-tokens/" + PathSegments.encode(id)), token);
  }

  /**
   * Lists the current user's passkeys ({@code GET /api/v0/user/passkeys}, operation {@code
   * listPasskeys}), oldest first. Adding one needs a browser: the console's Passkeys section.
   *
   * @return every passkey of the user
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public PasskeyList listPasskeys() {
    return read(Call.get("/api/v0/user/passkeys"), Wire::passkeyList);
  }

  /**
   * Renames one of the current user's passkeys ({@code PATCH /api/v0/user/passkeys/{id}}, operation
   * {@code renamePasskey}).
   *
   * @param id the passkey's id, as in {@link Passkey#uuid()}
   * @param update the new nickname
   * @return the renamed passkey
   * @throws IllegalArgumentException if the id is null or blank; nothing is sent
   * @throws NullPointerException if {@code update} is null
   * @throws InvalidRequestException with code {@code passkey_nickname_invalid} if the nickname is
   *     blank, longer than 100 characters or contains control characters
   * @throws NotFoundException with code {@code passkey_not_found} if the user has no such passkey
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public Passkey renamePasskey(String id, PasskeyUpdate update) {
    requirePasskeyId(id, "renamePasskey");
    Objects.requireNonNull(update, "update: pass new PasskeyUpdate(nickname)");
    return read(
        Call.patch("/api/v0/user/passkeys/" + PathSegments.encode(id), Wire.passkeyUpdate(update)),
        Wire::passkey);
  }

  /**
   * Removes one of the current user's passkeys ({@code DELETE /api/v0/user/passkeys/{id}},
   * operation {@code deletePasskey}).
   *
   * <p><strong>Irreversible.</strong> The passkey stops signing in at once. The user's last passkey
   * is refused: add the new one first. A retry after a lost response may answer {@link
   * NotFoundException} although the first attempt removed it.
   *
   * @param id the passkey's id, as in {@link Passkey#uuid()}
   * @throws IllegalArgumentException if the id is null or blank; nothing is sent
   * @throws NotFoundException with code {@code passkey_not_found} if the user has no such passkey
   *     (unknown, already removed, or someone else's)
   * @throws InvalidRequestException with code {@code passkey_last_credential} (409) for the last
   *     one
   * @throws AuthenticationException if the token is invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public void deletePasskey(String id) {
    requirePasskeyId(id, "deletePasskey");
    transport.send(Call.delete("/api/v0/user/passkeys/" + PathSegments.encode(id)), token);
  }

  /**
   * Logs out: revokes the token this client sends ({@code POST /api/v0/auth/logout}, operation
   * {@code logout}).
   *
   * <p><strong>Irreversible.</strong> Afterwards every call through this client (and any other
   * holding the same token) throws {@link AuthenticationException}. If the token is a personal API
   * key, the key is revoked. Retried like every call (see the class comment), with one {@code
   * Idempotency-Key} for all of its attempts, so a retry after a lost response succeeds instead of
   * being refused for the token the first attempt revoked.
   *
   * @throws AuthenticationException if the token was already invalid, revoked or expired
   * @throws HarmontException for any other failure (see the class comment)
   */
  public void logout() {
    transport.send(Call.idempotentPost("/api/v0/auth/logout", null), token);
  }

  /**
   * Describes the client without its token.
   *
   * @return the base URL and a placeholder for the token
   */
  @Override
  public String toString() {
    return "HarmontClient[baseUrl=" + transport.baseUrl() + ", token=<redacted>]";
  }

  /** For tests: derived clients share this. */
  Transport transport() {
    return transport;
  }

  private <T> T read(Call call, Function<JsonNode, T> decode) {
    HttpResponse<byte[]> response = transport.send(call, token);
    try {
      return decode.apply(Wire.parse(response.body()));
    } catch (Wire.BadResponse e) {
      throw Errors.badResponse(call, response.statusCode(), response.headers(), e, token);
    }
  }

  private static void requirePasskeyId(String id, String method) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException(
          method
              + " needs the id of one of your passkeys (Passkey.uuid() from listPasskeys());"
              + " got "
              + (id == null ? "null" : "a blank string")
              + ". Nothing was sent.");
    }
  }

  private static void requireId(String id, String method) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException(
          method
              + " needs the id of one of your keys (ApiToken.id() from listApiTokens());"
              + " got "
              + (id == null ? "null" : "a blank string")
              + ". Nothing was sent.");
    }
  }

  private static String checkToken(String token, String where) {
    String hint =
        " Pass a personal API key (it starts with hm_) to "
            + where
            + ", or set the "
            + TOKEN_ENVIRONMENT_VARIABLE
            + " environment variable.";
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(
          "The API token is " + (token == null ? "missing" : "blank") + "." + hint);
    }
    String stripped = token.strip();
    for (int i = 0; i < stripped.length(); i++) {
      char c = stripped.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        // The token itself is not quoted: it is a secret even when mistyped.
        throw new IllegalArgumentException(
            "The API token contains white space, control or non-ASCII characters at position "
                + i
                + "; copy it again."
                + hint);
      }
    }
    return stripped;
  }

  private static String loadVersion() {
    try (InputStream in = HarmontClient.class.getResourceAsStream("harmont-cloud.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "unknown");
      return version.startsWith("${") ? "unknown" : version;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Configures a {@link HarmontClient}. Not thread-safe; build once, then share the client.
   *
   * <p>Every setting has a default; only the token is required, and it too can come from the
   * {@value HarmontClient#TOKEN_ENVIRONMENT_VARIABLE} environment variable.
   */
  public static final class Builder {
    private URI baseUrl = DEFAULT_BASE_URL;
    private String token;
    private Duration connectTimeout;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int maxRetries = 2;
    private String applicationUserAgent;
    private HttpClient httpClient;
    private UnaryOperator<String> environment = System::getenv;
    private Sleeper sleeper = Sleeper.REAL;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the API's base URL, for a self-hosted server or tests.
     *
     * @param baseUrl an absolute {@code http} or {@code https} URL, such as {@code
     *     http://127.0.0.1:8080}; a path prefix is kept, a trailing slash dropped
     * @return this builder
     * @throws IllegalArgumentException if it is not an absolute http(s) URL without query or
     *     fragment
     */
    public Builder baseUrl(URI baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String scheme =
          baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https"))
          || baseUrl.getHost() == null
          || baseUrl.getRawQuery() != null
          || baseUrl.getRawFragment() != null
          || baseUrl.getRawUserInfo() != null) {
        throw new IllegalArgumentException(
            "The base URL must be an absolute http or https URL without user info, query or"
                + " fragment, such as https://api.harmont.dev; got "
                + baseUrl);
      }
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * Sets the API's base URL from a string.
     *
     * @param baseUrl an absolute {@code http} or {@code https} URL
     * @return this builder
     * @throws IllegalArgumentException if it is not an absolute http(s) URL without query or
     *     fragment
     * @see #baseUrl(URI)
     */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      return baseUrl(URI.create(baseUrl.strip()));
    }

    /**
     * Sets the token sent as {@code Authorization: Bearer <token>}. Without it, {@link #build()}
     * reads the {@value HarmontClient#TOKEN_ENVIRONMENT_VARIABLE} environment variable.
     *
     * @param token a personal API key ({@code hm_…}) or a session token
     * @return this builder
     * @throws IllegalArgumentException if the token is null, blank, or contains white space or
     *     control characters inside it
     */
    public Builder token(String token) {
      this.token = checkToken(token, "HarmontClient.builder().token(...)");
      return this;
    }

    /**
     * Sets how long to wait for a TCP (and TLS) connection. Default 10 seconds. Applies only to the
     * {@link HttpClient} the SDK builds; set it on your own when you pass one.
     *
     * @param connectTimeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * Sets how long to wait for each response, per attempt. Default 30 seconds.
     *
     * @param requestTimeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * Sets how many times a call is retried after a connection failure, a timeout, or a 429, 502,
     * 503 or 504 answer (POSTs with their {@code Idempotency-Key}: see the class comment). Default
     * 2; 0 turns retries off.
     *
     * @param maxRetries 0 to 10
     * @return this builder
     * @throws IllegalArgumentException if it is outside 0 to 10
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > 10) {
        throw new IllegalArgumentException("maxRetries must be 0 to 10, got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Names your application in the {@code User-Agent} header, before the SDK's own product token:
     * {@code my-app/1.2 harmont-cloud-java/0.1.0 Java/21}. Operators see it in their logs.
     *
     * @param application a product token such as {@code my-app/1.2}, printable ASCII
     * @return this builder
     * @throws IllegalArgumentException if it is blank or not printable ASCII
     */
    public Builder userAgent(String application) {
      if (application == null
          || application.isBlank()
          || !application.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "The user agent must be printable ASCII, such as my-app/1.2; got "
                + (application == null ? "null" : "\"" + application + "\""));
      }
      this.applicationUserAgent = application.strip();
      return this;
    }

    /**
     * Uses your own {@link HttpClient} (for a proxy, TLS settings or an executor) instead of one
     * built by the SDK. It is shared, never closed by the SDK. Its connect timeout and redirect
     * policy apply; keep redirects off, so the token is never sent elsewhere.
     *
     * @param httpClient the client to send requests with
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Test hook: where environment variables are read from. */
    Builder environment(UnaryOperator<String> environment) {
      this.environment = environment;
      return this;
    }

    /** Test hook: how the client waits between attempts. */
    Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    /** Test hook: "now", for {@code Retry-After} HTTP dates. */
    Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Builds the client.
     *
     * @return an immutable, thread-safe client
     * @throws IllegalArgumentException if no token was set and {@value
     *     HarmontClient#TOKEN_ENVIRONMENT_VARIABLE} is unset or blank
     * @throws IllegalStateException if both {@link #httpClient(HttpClient)} and {@link
     *     #connectTimeout(Duration)} were set
     */
    public HarmontClient build() {
      String resolvedToken =
          token != null
              ? token
              : checkToken(
                  environment.apply(TOKEN_ENVIRONMENT_VARIABLE),
                  "HarmontClient.builder().token(...)");
      if (httpClient != null && connectTimeout != null) {
        throw new IllegalStateException(
            "connectTimeout applies only to the HttpClient the SDK builds; set it on the"
                + " HttpClient you pass to httpClient(...) instead.");
      }
      HttpClient http =
          httpClient != null
              ? httpClient
              : HttpClient.newBuilder()
                  .connectTimeout(connectTimeout != null ? connectTimeout : Duration.ofSeconds(10))
                  .followRedirects(HttpClient.Redirect.NEVER)
                  .build();
      String base = baseUrl.toString();
      while (base.endsWith("/")) {
        base = base.substring(0, base.length() - 1);
      }
      String userAgent =
          (applicationUserAgent == null ? "" : applicationUserAgent + " ")
              + "harmont-cloud-java/"
              + SDK_VERSION
              + " Java/"
              + Runtime.version().feature();
      RetryPolicy retryPolicy =
          new RetryPolicy(maxRetries, () -> ThreadLocalRandom.current().nextDouble(), clock);
      return new HarmontClient(
          new Transport(http, base, requestTimeout, retryPolicy, sleeper, userAgent),
          resolvedToken);
    }

    private static Duration positive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, got " + duration);
      }
      return duration;
    }
  }
}
