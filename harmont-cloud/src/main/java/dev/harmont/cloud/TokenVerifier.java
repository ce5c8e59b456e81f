package dev.harmont.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Checks bearer tokens for a Java service through a Harmont server's token introspection ({@code
 * POST /api/v0/oauth/introspect}, RFC 7662), with a service credential from {@code harmont admin
 * create-service}:
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.builder()
 *     .baseUrl("https://harmont.internal")
 *     .serviceSecret(System.getenv("HARMONT_SERVICE_SECRET"))
 *     .build();
 * Optional<VerifiedToken> who = verifier.verify(bearerFromTheRequest);
 * }</pre>
 *
 * <p>Build one and share it: it is immutable apart from its cache, and thread-safe.
 *
 * <p><b>Cache and revocation.</b> Active answers are kept in a bounded in-memory cache (keyed by
 * the token's SHA-256, never the token itself) for {@link Builder#cacheTtl} (default 5 seconds),
 * and never past the token's own expiry. So a key revoked on the server may still be accepted here
 * for up to that TTL after its revocation; the server itself refuses it at once. Choose the TTL as
 * the longest time a revoked key may keep working in your service, or {@link Duration#ZERO} to ask
 * the server every time. Refused tokens are never cached: a key created a moment ago works at once.
 */
public final class TokenVerifier {
  /** The default time an active answer is reused. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(5);

  /** The default bound of the cache. */
  public static final int DEFAULT_MAX_ENTRIES = 10_000;

  private static final String PATH = "/api/v0/oauth/introspect";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI endpoint;
  private final String authorization;
  private final Duration requestTimeout;
  private final long ttlNanos;
  private final int maxEntries;
  private final LongSupplier nanoTime;
  private final Map<String, Cached> cache;

  private record Cached(VerifiedToken token, long until) {}

  private TokenVerifier(Builder b, String base) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(b.connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.endpoint = URI.create(base + PATH);
    this.authorization = "Bearer " + b.serviceSecret;
    this.requestTimeout = b.requestTimeout;
    this.ttlNanos = b.cacheTtl.toNanos();
    this.maxEntries = b.maxEntries;
    this.nanoTime = b.nanoTime;
    // Access-ordered: the least recently used entry goes first when the bound is reached.
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > TokenVerifier.this.maxEntries;
          }
        };
  }

  /**
   * A builder; {@link Builder#baseUrl} and {@link Builder#serviceSecret} are required.
   *
   * @return a new builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Who {@code bearer} belongs to, if it authenticates now (within the cache's TTL, see the class
   * comment); empty for anything else: unknown, revoked, expired, malformed, null or blank.
   *
   * @param bearer the token as presented, without the {@code Bearer } scheme
   * @return who it is; empty when it does not authenticate
   * @throws AuthenticationException when the server refuses the service credential (revoked,
   *     unknown): a configuration problem, never a verdict on {@code bearer}
   * @throws HarmontException for any other failure (server or connection); the caller decides
   *     whether to fail closed
   */
  public Optional<VerifiedToken> verify(String bearer) {
    if (bearer == null || bearer.isBlank()) {
      return Optional.empty();
    }
    String key = sha256(bearer);
    long now = nanoTime.getAsLong();
    if (ttlNanos > 0) {
      synchronized (cache) {
        Cached entry = cache.get(key);
        if (entry != null) {
          if (now - entry.until() < 0) {
            return Optional.of(entry.token());
          }
          cache.remove(key);
        }
      }
    }
    Optional<VerifiedToken> found = introspect(bearer);
    if (found.isPresent() && ttlNanos > 0) {
      long until = now + ttlNanos;
      Instant expires = found.get().expiresAt();
      if (expires != null) {
        long left = Duration.between(Instant.now(), expires).toNanos();
        until = Math.min(until, now + Math.max(0, left));
      }
      synchronized (cache) {
        cache.put(key, new Cached(found.get(), until));
      }
    }
    return found;
  }

  /** Forgets every cached answer (e.g. after a key was revoked through this very service). */
  public void clearCache() {
    synchronized (cache) {
      cache.clear();
    }
  }

  private Optional<VerifiedToken> introspect(String bearer) {
    Call call = new Call("POST", PATH, null, null);
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(requestTimeout)
            .header("Authorization", authorization)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "token=" + URLEncoder.encode(bearer, StandardCharsets.UTF_8)))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw Errors.noResponse(call, endpoint.toString(), 1, e, true, bearer);
    } catch (IOException e) {
      throw Errors.noResponse(call, endpoint.toString(), 1, e, false, bearer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.noResponse(call, endpoint.toString(), 1, e, false, bearer);
    }
    if (response.statusCode() != 200) {
      throw Errors.fromResponse(
          call, response.statusCode(), response.headers(), response.body(), null, bearer);
    }
    try {
      JsonNode json = JSON.readTree(response.body());
      if (!json.path("active").asBoolean(false)) {
        return Optional.empty();
      }
      return Optional.of(
          new VerifiedToken(
              UUID.fromString(json.path("sub").asText()),
              json.path("username").asText(),
              UUID.fromString(json.path("client_id").asText()),
              json.path("token_type").asText(),
              json.path("harmont_org").asText(),
              Instant.ofEpochSecond(json.path("iat").asLong()),
              json.has("exp") ? Instant.ofEpochSecond(json.get("exp").asLong()) : null));
    } catch (IOException | RuntimeException e) {
      String requestId = response.headers().firstValue("X-Request-Id").orElse(null);
      throw new HarmontException(
          call
              + " answered HTTP 200 with a body the SDK cannot read (request_id "
              + (requestId == null ? "none" : requestId)
              + ")",
          200,
          null,
          requestId,
          e);
    }
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "TokenVerifier[" + endpoint + "]"; // never the secret
  }

  /** Configures a {@link TokenVerifier}. */
  public static final class Builder {
    private URI baseUrl;
    private String serviceSecret;
    private Duration cacheTtl = DEFAULT_CACHE_TTL;
    private int maxEntries = DEFAULT_MAX_ENTRIES;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private LongSupplier nanoTime = System::nanoTime;

    private Builder() {}

    /**
     * The Harmont server, e.g. {@code https://harmont.internal} (a node started with {@code --api
     * verify} is enough).
     *
     * @param baseUrl an absolute http(s) URL
     * @return this builder
     * @throws IllegalArgumentException if it is not an absolute http(s) URL
     */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      return baseUrl(URI.create(baseUrl.strip()));
    }

    /**
     * See {@link #baseUrl(String)}.
     *
     * @param baseUrl an absolute http(s) URL
     * @return this builder
     */
    public Builder baseUrl(URI baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme();
      if (!(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || baseUrl.getHost() == null
          || baseUrl.getRawQuery() != null
          || baseUrl.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "The base URL must be an absolute http or https URL, such as"
                + " https://harmont.internal; got "
                + baseUrl);
      }
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * The service credential's secret ({@code hms_…}) from {@code harmont admin create-service}.
     *
     * @param serviceSecret the secret, shown once when it was created
     * @return this builder
     * @throws IllegalArgumentException if it is blank or does not start with {@code hms_}
     */
    public Builder serviceSecret(String serviceSecret) {
      if (serviceSecret == null
          || !serviceSecret.strip().startsWith("hms_")
          || serviceSecret.strip().chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
        throw new IllegalArgumentException(
            "serviceSecret must be a service credential (hms_…) from `harmont admin"
                + " create-service`.");
      }
      this.serviceSecret = serviceSecret.strip();
      return this;
    }

    /**
     * How long an active answer is reused: the longest a key revoked on the server may still be
     * accepted here. Default {@link #DEFAULT_CACHE_TTL}; {@link Duration#ZERO}: no cache.
     *
     * @param cacheTtl zero or positive
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder cacheTtl(Duration cacheTtl) {
      Objects.requireNonNull(cacheTtl, "cacheTtl");
      if (cacheTtl.isNegative()) {
        throw new IllegalArgumentException("cacheTtl must be zero or positive, got " + cacheTtl);
      }
      this.cacheTtl = cacheTtl;
      return this;
    }

    /**
     * How many answers the cache holds at most; the least recently used goes first. Default {@link
     * #DEFAULT_MAX_ENTRIES}.
     *
     * @param maxEntries positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxEntries(int maxEntries) {
      if (maxEntries <= 0) {
        throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
      }
      this.maxEntries = maxEntries;
      return this;
    }

    /**
     * How long one introspection may take. Default 5 seconds.
     *
     * @param requestTimeout positive
     * @return this builder
     */
    public Builder requestTimeout(Duration requestTimeout) {
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      if (requestTimeout.isZero() || requestTimeout.isNegative()) {
        throw new IllegalArgumentException("requestTimeout must be positive");
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /** Test hook: the monotonic clock the cache reads. */
    Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = nanoTime;
      return this;
    }

    /**
     * The verifier.
     *
     * @return a verifier with an empty cache
     * @throws IllegalStateException when the base URL or the service secret is missing
     */
    public TokenVerifier build() {
      if (baseUrl == null || serviceSecret == null) {
        throw new IllegalStateException("TokenVerifier needs baseUrl(...) and serviceSecret(...).");
      }
      String base = baseUrl.toString();
      while (base.endsWith("/")) {
        base = base.substring(0, base.length() - 1);
      }
      return new TokenVerifier(this, base);
    }
  }
}
