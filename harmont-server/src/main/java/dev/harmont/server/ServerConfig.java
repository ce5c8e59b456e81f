package dev.harmont.server;

import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.AuthCacheSettings;
import dev.harmont.server.mail.MailSettings;
import dev.harmont.server.mail.SmtpUrl;
import dev.harmont.server.signin.SignUpPolicy;
import dev.harmont.server.signin.SsoSettings;
import dev.harmont.server.store.DatabaseSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code harmont serve} can be told: an immutable value made by {@link #builder()}. Each
 * setting has a flag in the CLI and a {@code HARMONT_*} environment variable; see {@code
 * docs/configuration.md}.
 *
 * <p>HikariConfig's style: each default is a named constant written once, here or in the class of
 * the domain that owns the setting ({@link AccountSettings}, {@link AuthCacheSettings}, {@link
 * DatabaseSettings}), and the command line reads its defaults from those constants. Adding a
 * setting is one field and one method in {@link Builder}, one accessor here, and the code that uses
 * it. The account domain's settings are read through {@link #account()}, built here only.
 */
public final class ServerConfig {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
  public static final int DEFAULT_MAX_JSON_DEPTH = 32;
  public static final int DEFAULT_MAX_JSON_STRING_LENGTH = 64 * 1024;

  /** A client that fails 60 times in a minute is guessing; scripts with a stale key stop sooner. */
  public static final int DEFAULT_AUTH_FAILURE_LIMIT = 60;

  public static final Duration DEFAULT_AUTH_FAILURE_WINDOW = Duration.ofMinutes(1);

  /** How often security events past their retention are deleted (listing hides them anyway). */
  public static final Duration DEFAULT_EVENT_PRUNE_INTERVAL = Duration.ofHours(1);

  /** Every endpoint; {@code --api verify} serves only verification and introspection. */
  public static final ApiMode DEFAULT_API = ApiMode.ALL;

  // The builder's values, copied at build time and never handed out: the fields are written once
  // (in Builder), and toBuilder() cannot forget one.
  private final Builder values;
  private final AccountSettings account;
  private final SignUpPolicy signUp;
  private final MailSettings mail;
  private final SsoSettings sso;

  private ServerConfig(Builder builder) {
    this.values = builder.copy();
    if (values.database == null) {
      throw new IllegalStateException(
          "the database must be set: ServerConfig.builder().database(…)");
    }
    if (values.port < 0 || values.port > 65_535) {
      throw new IllegalArgumentException("port must be 0 to 65535, got " + values.port);
    }
    positive("maxBodyBytes", values.maxBodyBytes);
    positive("maxHeaderBytes", values.maxHeaderBytes);
    positive("maxJsonDepth", values.maxJsonDepth);
    positive("maxJsonStringLength", values.maxJsonStringLength);
    if (values.authFailureLimit < 0) {
      throw new IllegalArgumentException("authFailureLimit must be 0 (off) or more");
    }
    positive("authFailureWindow", values.authFailureWindow);
    positive("eventPruneInterval", values.eventPruneInterval);
    if (values.api == null) {
      throw new IllegalArgumentException("api must be given (ALL or VERIFY)");
    }
    if (values.clock == null) {
      throw new IllegalArgumentException("clock must be given");
    }
    this.sso = ssoSettings(values);
    this.account =
        new AccountSettings(
            values.maxLiveKeysPerUser,
            values.maxDescriptionLength,
            values.sessionTtl,
            values.eventRetention,
            values.authCache);
    this.signUp = new SignUpPolicy(values.signUpOpen, values.signUpDomains, values.signUpCap);
    this.mail =
        new MailSettings(
            values.smtpUrl == null || values.smtpUrl.isBlank()
                ? null
                : SmtpUrl.parse(values.smtpUrl),
            values.smtpPasswordFile,
            values.smtpCaFile,
            values.mailFrom == null || values.mailFrom.isBlank() ? null : values.mailFrom.strip(),
            values.secretKeyFile);
  }

  private static SsoSettings ssoSettings(Builder v) {
    SsoSettings.Oidc oidc =
        v.oidcClientId == null
            ? null
            : new SsoSettings.Oidc(
                "oidc",
                v.oidcName,
                url("oidcIssuer", v.oidcIssuer),
                v.oidcClientId,
                v.oidcClientSecret,
                Arrays.stream(v.oidcScopes.split("[ ,]+")).filter(x -> !x.isEmpty()).toList());
    if (oidc == null && v.oidcIssuer != null) {
      throw new IllegalArgumentException("--oidc-issuer needs --oidc-client-id");
    }
    SsoSettings.Oidc google =
        v.googleClientId == null
            ? null
            : new SsoSettings.Oidc(
                "google",
                "Google",
                url("googleIssuer", v.googleIssuer),
                v.googleClientId,
                v.googleClientSecret,
                java.util.List.of("openid", "email", "profile"));
    SsoSettings.Github github =
        v.githubClientId == null
            ? null
            : new SsoSettings.Github(
                v.githubClientId,
                v.githubClientSecret,
                url("githubUrl", v.githubUrl),
                url("githubApiUrl", v.githubApiUrl));
    return new SsoSettings(oidc, google, github, v.oidcSignup);
  }

  private static URI url(String setting, String value) {
    if (value == null) {
      throw new IllegalArgumentException(setting + " must be set");
    }
    try {
      URI uri = new URI(value);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(setting + " must be an http(s) URL, got " + value);
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(setting + " must be an http(s) URL, got " + value);
    }
  }

  /** The single sign-on providers; each is null when not configured. */
  public SsoSettings sso() {
    return sso;
  }

  /** Every setting at its default, but the database, which {@link Builder#build()} requires. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values, for a variant of it. */
  public Builder toBuilder() {
    return values.copy();
  }

  /** Interface to listen on. */
  public String host() {
    return values.host;
  }

  /** TCP port, 0 for any free one. */
  public int port() {
    return values.port;
  }

  /** Where the data lives. */
  public DatabaseSettings database() {
    return values.database;
  }

  /**
   * Base URL clients reach this server at (for {@code doc_url}); null means {@code
   * http://host:port}.
   */
  public String publicUrl() {
    return values.publicUrl;
  }

  /**
   * Who may create an account themselves ({@code --signup}, {@code --signup-domains}, {@code
   * --signup-cap}); default {@link SignUpPolicy#CLOSED}.
   */
  public SignUpPolicy signUp() {
    return signUp;
  }

  /** Request body size; larger → 413 {@code payload_too_large}. */
  public int maxBodyBytes() {
    return values.maxBodyBytes;
  }

  /** Request header block size; larger → 431 {@code headers_too_large}. */
  public int maxHeaderBytes() {
    return values.maxHeaderBytes;
  }

  /** JSON nesting depth; deeper → 400 {@code body_invalid_json}. */
  public int maxJsonDepth() {
    return values.maxJsonDepth;
  }

  /** Characters in one JSON string; longer → 400 {@code body_invalid_json}. */
  public int maxJsonStringLength() {
    return values.maxJsonStringLength;
  }

  /**
   * Refused credentials from one client address within {@link #authFailureWindow()} after which its
   * refused credentials are answered 429 {@code rate_limited} instead of 401 (credentials that
   * authenticate are always served); 0 switches it off.
   */
  public int authFailureLimit() {
    return values.authFailureLimit;
  }

  /** The window of {@link #authFailureLimit()}. */
  public Duration authFailureWindow() {
    return values.authFailureWindow;
  }

  /**
   * Addresses of reverse proxies whose {@code X-Forwarded-For} is believed (for the
   * failed-authentication limit); empty: the peer address is the client.
   */
  public List<String> trustedProxies() {
    return values.trustedProxies;
  }

  /** Origins allowed to call the API from a browser; empty: CORS is off. */
  public List<String> corsOrigins() {
    return values.corsOrigins;
  }

  /** Where {@code /metrics} (Prometheus) is served, on a listener of its own; null: off. */
  public ListenAddress metricsAddress() {
    return values.metricsAddress;
  }

  /** Time source (tests use a controllable one). */
  public Clock clock() {
    return values.clock;
  }

  /** How often security events past their retention are deleted. */
  public Duration eventPruneInterval() {
    return values.eventPruneInterval;
  }

  /** Which endpoints this node serves; default {@link ApiMode#ALL}. */
  public ApiMode api() {
    return values.api;
  }

  /** The account domain's settings: key limits, session lifetime, event retention, auth cache. */
  public AccountSettings account() {
    return account;
  }

  /** How mail is sent and what seals the outbox (see {@code docs/email.md}). */
  public MailSettings mail() {
    return mail;
  }

  /**
   * The default data directory: {@code $HARMONT_DATA_DIR}, else {@code $XDG_DATA_HOME/harmont},
   * else {@code ~/.local/share/harmont}.
   */
  public static Path defaultDataDir(Map<String, String> env) {
    String explicit = env.get("HARMONT_DATA_DIR");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = env.get("XDG_DATA_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "harmont");
    }
    return Path.of(System.getProperty("user.home"), ".local", "share", "harmont");
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  /**
   * Makes a {@link ServerConfig}; every setting starts at its default. Values are checked by {@link
   * #build()}, which throws {@link IllegalArgumentException} naming the first one out of range.
   */
  public static final class Builder implements Cloneable {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private DatabaseSettings database;
    private String publicUrl;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
    private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
    private int maxJsonStringLength = DEFAULT_MAX_JSON_STRING_LENGTH;
    private int authFailureLimit = DEFAULT_AUTH_FAILURE_LIMIT;
    private Duration authFailureWindow = DEFAULT_AUTH_FAILURE_WINDOW;
    private List<String> trustedProxies = List.of();
    private List<String> corsOrigins = List.of();
    private ListenAddress metricsAddress;
    private Clock clock = Clock.systemUTC();
    private Duration eventPruneInterval = DEFAULT_EVENT_PRUNE_INTERVAL;
    private int maxLiveKeysPerUser = AccountSettings.DEFAULT_MAX_LIVE_KEYS_PER_USER;
    private int maxDescriptionLength = AccountSettings.DEFAULT_MAX_DESCRIPTION_LENGTH;
    private Duration sessionTtl = AccountSettings.DEFAULT_SESSION_TTL;
    private Duration eventRetention = AccountSettings.DEFAULT_EVENT_RETENTION;
    private AuthCacheSettings authCache = AuthCacheSettings.DEFAULTS;
    private boolean signUpOpen = SignUpPolicy.CLOSED.open();
    private List<String> signUpDomains = SignUpPolicy.CLOSED.domains();
    private long signUpCap = SignUpPolicy.CLOSED.cap();
    private String smtpUrl;
    private Path smtpPasswordFile;
    private Path smtpCaFile;
    private String mailFrom;
    private Path secretKeyFile;
    private ApiMode api = DEFAULT_API;
    private String oidcIssuer;
    private String oidcClientId;
    private String oidcClientSecret;
    private String oidcName = SsoSettings.DEFAULT_OIDC_NAME;
    private String oidcScopes = SsoSettings.DEFAULT_OIDC_SCOPES;
    private boolean oidcSignup = true;
    private String googleClientId;
    private String googleClientSecret;
    private String googleIssuer = SsoSettings.DEFAULT_GOOGLE_ISSUER;
    private String githubClientId;
    private String githubClientSecret;
    private String githubUrl = SsoSettings.DEFAULT_GITHUB_URL;
    private String githubApiUrl = SsoSettings.DEFAULT_GITHUB_API_URL;

    private Builder() {}

    /** See {@link ServerConfig#host()}; default {@link #DEFAULT_HOST}. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** See {@link ServerConfig#port()}; default {@link #DEFAULT_PORT}. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** See {@link ServerConfig#database()}; required. */
    public Builder database(DatabaseSettings database) {
      this.database = database;
      return this;
    }

    /** See {@link ServerConfig#publicUrl()}; default null, {@code http://host:port}. */
    public Builder publicUrl(String publicUrl) {
      this.publicUrl = publicUrl;
      return this;
    }

    /** See {@link ServerConfig#maxBodyBytes()}; default {@link #DEFAULT_MAX_BODY_BYTES}. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** See {@link ServerConfig#maxHeaderBytes()}; default {@link #DEFAULT_MAX_HEADER_BYTES}. */
    public Builder maxHeaderBytes(int maxHeaderBytes) {
      this.maxHeaderBytes = maxHeaderBytes;
      return this;
    }

    /** See {@link ServerConfig#maxJsonDepth()}; default {@link #DEFAULT_MAX_JSON_DEPTH}. */
    public Builder maxJsonDepth(int maxJsonDepth) {
      this.maxJsonDepth = maxJsonDepth;
      return this;
    }

    /**
     * See {@link ServerConfig#maxJsonStringLength()}; default {@link
     * #DEFAULT_MAX_JSON_STRING_LENGTH}.
     */
    public Builder maxJsonStringLength(int maxJsonStringLength) {
      this.maxJsonStringLength = maxJsonStringLength;
      return this;
    }

    /** See {@link ServerConfig#authFailureLimit()}; default {@link #DEFAULT_AUTH_FAILURE_LIMIT}. */
    public Builder authFailureLimit(int authFailureLimit) {
      this.authFailureLimit = authFailureLimit;
      return this;
    }

    /**
     * See {@link ServerConfig#authFailureWindow()}; default {@link #DEFAULT_AUTH_FAILURE_WINDOW}.
     */
    public Builder authFailureWindow(Duration authFailureWindow) {
      this.authFailureWindow = authFailureWindow;
      return this;
    }

    /** See {@link ServerConfig#trustedProxies()}; default none. */
    public Builder trustedProxies(List<String> trustedProxies) {
      this.trustedProxies = List.copyOf(trustedProxies);
      return this;
    }

    /** See {@link ServerConfig#corsOrigins()}; default none. */
    public Builder corsOrigins(List<String> corsOrigins) {
      this.corsOrigins = List.copyOf(corsOrigins);
      return this;
    }

    /** See {@link ServerConfig#metricsAddress()}; default null, metrics off. */
    public Builder metricsAddress(ListenAddress metricsAddress) {
      this.metricsAddress = metricsAddress;
      return this;
    }

    /** See {@link ServerConfig#clock()}; default the system clock in UTC. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * See {@link ServerConfig#eventPruneInterval()}; default {@link #DEFAULT_EVENT_PRUNE_INTERVAL}.
     */
    public Builder eventPruneInterval(Duration eventPruneInterval) {
      this.eventPruneInterval = eventPruneInterval;
      return this;
    }

    /**
     * See {@link AccountSettings#maxLiveKeysPerUser()}; default {@link
     * AccountSettings#DEFAULT_MAX_LIVE_KEYS_PER_USER}.
     */
    public Builder maxLiveKeysPerUser(int maxLiveKeysPerUser) {
      this.maxLiveKeysPerUser = maxLiveKeysPerUser;
      return this;
    }

    /**
     * See {@link AccountSettings#maxDescriptionLength()}; default {@link
     * AccountSettings#DEFAULT_MAX_DESCRIPTION_LENGTH}.
     */
    public Builder maxDescriptionLength(int maxDescriptionLength) {
      this.maxDescriptionLength = maxDescriptionLength;
      return this;
    }

    /**
     * See {@link AccountSettings#sessionTtl()}; default {@link
     * AccountSettings#DEFAULT_SESSION_TTL}.
     */
    public Builder sessionTtl(Duration sessionTtl) {
      this.sessionTtl = sessionTtl;
      return this;
    }

    /**
     * See {@link AccountSettings#eventRetention()}; default {@link
     * AccountSettings#DEFAULT_EVENT_RETENTION}.
     */
    public Builder eventRetention(Duration eventRetention) {
      this.eventRetention = eventRetention;
      return this;
    }

    /** See {@link AccountSettings#authCache()}; default {@link AuthCacheSettings#DEFAULTS}. */
    public Builder authCache(AuthCacheSettings authCache) {
      this.authCache = authCache;
      return this;
    }

    /** See {@link SignUpPolicy#open()}; default closed. */
    public Builder signUpOpen(boolean signUpOpen) {
      this.signUpOpen = signUpOpen;
      return this;
    }

    /** See {@link SignUpPolicy#domains()}; default none (every domain, when open). */
    public Builder signUpDomains(List<String> signUpDomains) {
      this.signUpDomains = List.copyOf(signUpDomains);
      return this;
    }

    /** See {@link SignUpPolicy#cap()}; default 0, no cap. */
    public Builder signUpCap(long signUpCap) {
      this.signUpCap = signUpCap;
      return this;
    }

    /**
     * See {@link MailSettings#smtpUrl()}, as text ({@link SmtpUrl#parse}); default null: messages
     * are logged, not sent.
     */
    public Builder smtpUrl(String smtpUrl) {
      this.smtpUrl = smtpUrl;
      return this;
    }

    /** See {@link MailSettings#smtpPasswordFile()}; default null: the URL's password. */
    public Builder smtpPasswordFile(Path smtpPasswordFile) {
      this.smtpPasswordFile = smtpPasswordFile;
      return this;
    }

    /** See {@link MailSettings#smtpCaFile()}; default null: the JDK's trusted certificates. */
    public Builder smtpCaFile(Path smtpCaFile) {
      this.smtpCaFile = smtpCaFile;
      return this;
    }

    /** See {@link MailSettings#mailFrom()}; default null: {@code Harmont <no-reply@HOST>}. */
    public Builder mailFrom(String mailFrom) {
      this.mailFrom = mailFrom;
      return this;
    }

    /** See {@link MailSettings#secretKeyFile()}; default null: beside a SQLite database. */
    public Builder secretKeyFile(Path secretKeyFile) {
      this.secretKeyFile = secretKeyFile;
      return this;
    }

    /** See {@link ServerConfig#api()}; default {@link #DEFAULT_API}. */
    public Builder api(ApiMode api) {
      this.api = api;
      return this;
    }

    /** The generic OpenID Connect provider's issuer URL; default none (off). */
    public Builder oidcIssuer(String value) {
      this.oidcIssuer = value;
      return this;
    }

    /** The generic provider's client id; set, it turns the provider on. Default none. */
    public Builder oidcClientId(String value) {
      this.oidcClientId = value;
      return this;
    }

    /** The generic provider's client secret; required with its client id. */
    public Builder oidcClientSecret(String value) {
      this.oidcClientSecret = value;
      return this;
    }

    /** The button's text after "Continue with"; default {@link SsoSettings#DEFAULT_OIDC_NAME}. */
    public Builder oidcName(String value) {
      this.oidcName = value;
      return this;
    }

    /** Scopes asked for, space-separated; default {@link SsoSettings#DEFAULT_OIDC_SCOPES}. */
    public Builder oidcScopes(String value) {
      this.oidcScopes = value;
      return this;
    }

    /** Whether a first single sign-on creates an account; default true. */
    public Builder oidcSignup(boolean value) {
      this.oidcSignup = value;
      return this;
    }

    /** Google's OAuth client id; set, it turns Google on. Default none. */
    public Builder googleClientId(String value) {
      this.googleClientId = value;
      return this;
    }

    /** Google's client secret; required with its client id. */
    public Builder googleClientSecret(String value) {
      this.googleClientSecret = value;
      return this;
    }

    /** Google's issuer; default {@link SsoSettings#DEFAULT_GOOGLE_ISSUER} (tests change it). */
    public Builder googleIssuer(String value) {
      this.googleIssuer = value;
      return this;
    }

    /** GitHub's OAuth app client id; set, it turns GitHub on. Default none. */
    public Builder githubClientId(String value) {
      this.githubClientId = value;
      return this;
    }

    /** GitHub's client secret; required with its client id. */
    public Builder githubClientSecret(String value) {
      this.githubClientSecret = value;
      return this;
    }

    /** GitHub's web URL; default {@link SsoSettings#DEFAULT_GITHUB_URL}. */
    public Builder githubUrl(String value) {
      this.githubUrl = value;
      return this;
    }

    /** GitHub's REST API URL; default {@link SsoSettings#DEFAULT_GITHUB_API_URL}. */
    public Builder githubApiUrl(String value) {
      this.githubApiUrl = value;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the first setting out of range
     * @throws IllegalStateException when the database is not set
     */
    public ServerConfig build() {
      return new ServerConfig(this);
    }

    // Every field is an immutable value (the lists are copied when set), so a shallow copy is a
    // full one, and a setting added later is copied without anyone remembering to.
    private Builder copy() {
      try {
        return (Builder) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
