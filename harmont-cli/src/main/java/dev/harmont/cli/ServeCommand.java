package dev.harmont.cli;

import dev.harmont.server.ApiMode;
import dev.harmont.server.HarmontServer;
import dev.harmont.server.ListenAddress;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.account.AuthCacheSettings;
import dev.harmont.server.observe.JsonLogFormatter;
import dev.harmont.server.signin.SignUpPolicy;
import dev.harmont.server.signin.SsoSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code harmont serve}: runs the API until SIGTERM or Ctrl-C, then drains and exits. Every default
 * is the server's constant: numbers and strings in {@code defaultValue}, durations and enums
 * through {@link DerivedDefaults}.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the Harmont User API server.")
final class ServeCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin DatabaseOptions database;

  @Mixin SecretKeyOption secretKey;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      defaultValue = ServerConfig.DEFAULT_HOST,
      description = "Interface to listen on (env HARMONT_HOST; default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "" + ServerConfig.DEFAULT_PORT,
      description = "TCP port, 0 for any free one (env HARMONT_PORT; default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      description =
          "Base URL clients use to reach this server, for the doc_url of errors (env"
              + " HARMONT_PUBLIC_URL; default http://HOST:PORT).")
  String publicUrl;

  @Mixin KeyLimitOptions keyLimits;

  @Option(
      names = "--max-body-bytes",
      paramLabel = "BYTES",
      defaultValue = "" + ServerConfig.DEFAULT_MAX_BODY_BYTES,
      description = "Largest request body (env HARMONT_MAX_BODY_BYTES; default: ${DEFAULT-VALUE}).")
  int maxBodyBytes;

  @Option(
      names = "--max-header-bytes",
      paramLabel = "BYTES",
      defaultValue = "" + ServerConfig.DEFAULT_MAX_HEADER_BYTES,
      description =
          "Largest request header block (env HARMONT_MAX_HEADER_BYTES; default: ${DEFAULT-VALUE}).")
  int maxHeaderBytes;

  @Option(
      names = "--max-json-depth",
      paramLabel = "N",
      defaultValue = "" + ServerConfig.DEFAULT_MAX_JSON_DEPTH,
      description = "Deepest JSON nesting (env HARMONT_MAX_JSON_DEPTH; default: ${DEFAULT-VALUE}).")
  int maxJsonDepth;

  @Option(
      names = "--max-json-string-length",
      paramLabel = "N",
      defaultValue = "" + ServerConfig.DEFAULT_MAX_JSON_STRING_LENGTH,
      description =
          "Longest JSON string (env HARMONT_MAX_JSON_STRING_LENGTH; default: ${DEFAULT-VALUE}).")
  int maxJsonStringLength;

  @Option(
      names = "--auth-failure-limit",
      paramLabel = "N",
      defaultValue = "" + ServerConfig.DEFAULT_AUTH_FAILURE_LIMIT,
      description =
          "Refused credentials per client address per window; past it, that address's refused"
              + " credentials get 429 instead of 401 (valid ones are always served) (env"
              + " HARMONT_AUTH_FAILURE_LIMIT; 0 = off; default: ${DEFAULT-VALUE}).")
  int authFailureLimit;

  @Option(
      names = "--auth-failure-window-seconds",
      paramLabel = "SECONDS",
      description =
          "The window of --auth-failure-limit (env HARMONT_AUTH_FAILURE_WINDOW_SECONDS; default:"
              + " ${DEFAULT-VALUE}).")
  long authFailureWindowSeconds;

  @Option(
      names = "--trusted-proxies",
      paramLabel = "IP,…",
      split = ",",
      description =
          "Reverse proxies whose X-Forwarded-For names the client (env HARMONT_TRUSTED_PROXIES;"
              + " default: none, the header is ignored).")
  List<String> trustedProxies = new ArrayList<>();

  @Option(
      names = "--cors-origins",
      paramLabel = "ORIGIN,…",
      split = ",",
      description =
          "Browser origins allowed to call the API, or * (env HARMONT_CORS_ORIGINS; default:"
              + " none, CORS off).")
  List<String> corsOrigins = new ArrayList<>();

  @Option(
      names = "--auth-cache-ttl-ms",
      paramLabel = "MILLIS",
      description =
          "How long a validated token is served from memory without notifications (SQLite, or"
              + " PostgreSQL while this node is not listening); also how long a key revoked"
              + " elsewhere may still be accepted then (env HARMONT_AUTH_CACHE_TTL_MS; 0 = off;"
              + " default: ${DEFAULT-VALUE}).")
  long authCacheTtlMillis;

  @Option(
      names = "--event-retention-days",
      paramLabel = "DAYS",
      description =
          "How long security events are kept; older ones are deleted hourly and never listed"
              + " (env HARMONT_EVENT_RETENTION_DAYS; default: ${DEFAULT-VALUE}).")
  int eventRetentionDays;

  @Option(
      names = "--session-ttl",
      paramLabel = "DURATION",
      converter = SessionTtlConverter.class,
      description =
          "Lifetime of a web console sign-in, such as 30m, 12h or 7d, from 1m to 30d (env"
              + " HARMONT_SESSION_TTL; default: ${DEFAULT-VALUE}).")
  Duration sessionTtl;

  @Option(
      names = "--auth-cache-notified-ttl-ms",
      paramLabel = "MILLIS",
      description =
          "PostgreSQL: how long a validated token is served from memory while this node listens"
              + " for every node's revocations (LISTEN/NOTIFY; they then reach it within"
              + " milliseconds) (env HARMONT_AUTH_CACHE_NOTIFIED_TTL_MS; not above"
              + " --auth-cache-ttl-ms, e.g. 0 = no listening; default: ${DEFAULT-VALUE}).")
  long authCacheNotifiedTtlMillis;

  @Option(
      names = "--metrics-address",
      paramLabel = "HOST:PORT",
      converter = ListenAddressConverter.class,
      description =
          "Serve Prometheus metrics at http://HOST:PORT/metrics, on a listener of its own (env"
              + " HARMONT_METRICS_ADDRESS; e.g. 127.0.0.1:9464; default: off).")
  ListenAddress metricsAddress;

  @Option(
      names = "--smtp-url",
      paramLabel = "URL",
      description =
          "Send mail through this server: smtp://HOST:25 (plain), smtp+starttls://USER:PASS@HOST:587"
              + " (STARTTLS required) or smtps://USER:PASS@HOST:465, user and password URL-encoded"
              + " (env HARMONT_SMTP_URL; default: none, messages are written to the log, not"
              + " sent).")
  String smtpUrl;

  @Option(
      names = "--smtp-password-file",
      paramLabel = "FILE",
      description =
          "Read the SMTP password from this file (first line) instead of the URL (env"
              + " HARMONT_SMTP_PASSWORD_FILE).")
  Path smtpPasswordFile;

  @Option(
      names = "--smtp-ca-file",
      paramLabel = "FILE",
      description =
          "PEM certificates to trust for the SMTP server instead of the JDK's, for a private CA"
              + " (env HARMONT_SMTP_CA_FILE).")
  Path smtpCaFile;

  @Option(
      names = "--mail-from",
      paramLabel = "ADDRESS",
      description =
          "The From of every message, e.g. 'Harmont <no-reply@example.org>' (env"
              + " HARMONT_MAIL_FROM; default: Harmont <no-reply@HOST of --public-url>).")
  String mailFrom;

  @Option(
      names = "--oidc-issuer",
      paramLabel = "URL",
      description =
          "Single sign-on: the OpenID Connect provider's issuer URL, where"
              + " /.well-known/openid-configuration is (env HARMONT_OIDC_ISSUER; default: off).")
  String oidcIssuer;

  @Option(
      names = "--oidc-client-id",
      paramLabel = "ID",
      description =
          "Single sign-on: this server's client id at the provider (env HARMONT_OIDC_CLIENT_ID).")
  String oidcClientId;

  @Option(
      names = "--oidc-client-secret-file",
      paramLabel = "FILE",
      description =
          "Single sign-on: a file holding the client secret (env HARMONT_OIDC_CLIENT_SECRET_FILE,"
              + " or the secret itself in HARMONT_OIDC_CLIENT_SECRET).")
  Path oidcClientSecretFile;

  @Option(
      names = "--oidc-name",
      paramLabel = "NAME",
      defaultValue = SsoSettings.DEFAULT_OIDC_NAME,
      description =
          "Single sign-on: the button says Continue with NAME (env HARMONT_OIDC_NAME; default:"
              + " ${DEFAULT-VALUE}).")
  String oidcName;

  @Option(
      names = "--oidc-scopes",
      paramLabel = "SCOPES",
      defaultValue = SsoSettings.DEFAULT_OIDC_SCOPES,
      description =
          "Single sign-on: the scopes asked for, space-separated (env HARMONT_OIDC_SCOPES;"
              + " default: ${DEFAULT-VALUE}).")
  String oidcScopes;

  @Option(
      names = "--oidc-signup",
      paramLabel = "true|false",
      arity = "1",
      defaultValue = "true",
      description =
          "Single sign-on: whether a first sign-in whose verified address no account has creates"
              + " an account (env HARMONT_OIDC_SIGNUP; default: ${DEFAULT-VALUE}).")
  boolean oidcSignup;

  @Option(
      names = "--google-client-id",
      paramLabel = "ID",
      description = "Continue with Google: the OAuth client id (env HARMONT_GOOGLE_CLIENT_ID).")
  String googleClientId;

  @Option(
      names = "--google-client-secret-file",
      paramLabel = "FILE",
      description =
          "Continue with Google: a file holding the client secret (env"
              + " HARMONT_GOOGLE_CLIENT_SECRET_FILE, or HARMONT_GOOGLE_CLIENT_SECRET).")
  Path googleClientSecretFile;

  @Option(
      names = "--google-issuer",
      paramLabel = "URL",
      defaultValue = SsoSettings.DEFAULT_GOOGLE_ISSUER,
      description =
          "Advanced: Google's issuer (env HARMONT_GOOGLE_ISSUER; default: ${DEFAULT-VALUE}).")
  String googleIssuer;

  @Option(
      names = "--github-client-id",
      paramLabel = "ID",
      description =
          "Continue with GitHub: the OAuth app's client id (env HARMONT_GITHUB_CLIENT_ID).")
  String githubClientId;

  @Option(
      names = "--github-client-secret-file",
      paramLabel = "FILE",
      description =
          "Continue with GitHub: a file holding the client secret (env"
              + " HARMONT_GITHUB_CLIENT_SECRET_FILE, or HARMONT_GITHUB_CLIENT_SECRET).")
  Path githubClientSecretFile;

  @Option(
      names = "--github-url",
      paramLabel = "URL",
      defaultValue = SsoSettings.DEFAULT_GITHUB_URL,
      description =
          "Advanced: GitHub's web URL (env HARMONT_GITHUB_URL; default: ${DEFAULT-VALUE}).")
  String githubUrl;

  @Option(
      names = "--github-api-url",
      paramLabel = "URL",
      defaultValue = SsoSettings.DEFAULT_GITHUB_API_URL,
      description =
          "Advanced: GitHub's REST API URL (env HARMONT_GITHUB_API_URL; default:"
              + " ${DEFAULT-VALUE}).")
  String githubApiUrl;

  /** How log lines are written on stderr. */
  enum LogFormat {
    text,
    json
  }

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "Log lines on stderr: text, or json (one object per line) (env HARMONT_LOG_FORMAT;"
              + " default: ${DEFAULT-VALUE}).")
  LogFormat logFormat;

  /** Whether people may create an account themselves. */
  enum SignUpMode {
    closed,
    open
  }

  @Option(
      names = "--signup",
      paramLabel = "MODE",
      description =
          "Who may create an account: closed (only invited or admin-created people) or open"
              + " (anyone who verifies an email address) (env HARMONT_SIGNUP; default:"
              + " ${DEFAULT-VALUE}).")
  SignUpMode signUp;

  @Option(
      names = "--signup-domains",
      paramLabel = "DOMAIN,…",
      split = ",",
      description =
          "With --signup open: only addresses in these email domains may sign up (env"
              + " HARMONT_SIGNUP_DOMAINS; default: any domain).")
  List<String> signUpDomains = new ArrayList<>();

  @Option(
      names = "--signup-cap",
      paramLabel = "N",
      defaultValue = "" + SignUpPolicy.DEFAULT_CAP,
      description =
          "Most accounts there may be for a sign-up to go through; past it sign-ups get 503"
              + " signup_cap_reached (env HARMONT_SIGNUP_CAP; 0 = no cap; default:"
              + " ${DEFAULT-VALUE}).")
  long signUpCap;

  @Option(
      names = "--api",
      paramLabel = "all|verify",
      converter = ApiModeConverter.class,
      description =
          "Which endpoints to serve: all, or verify (only /api/v0/auth/verify,"
              + " /api/v0/oauth/introspect and health, for a fleet of verifiers beside the"
              + " proxies) (env HARMONT_API; default: ${DEFAULT-VALUE}).")
  ApiMode api;

  /** {@code all}/{@code verify} → {@link ApiMode}; anything else is a usage error. */
  static final class ApiModeConverter implements ITypeConverter<ApiMode> {
    @Override
    public ApiMode convert(String value) {
      for (ApiMode mode : ApiMode.values()) {
        if (mode.flagValue().equals(value.strip())) {
          return mode;
        }
      }
      throw new TypeConversionException("expected all or verify, got '" + value + "'");
    }
  }

  /** {@code HOST:PORT} → {@link ListenAddress}; a bad value is a usage error that says why. */
  static final class ListenAddressConverter implements ITypeConverter<ListenAddress> {
    @Override
    public ListenAddress convert(String value) {
      return ListenAddress.parse(value);
    }
  }

  ServeCommand(CliContext context) {
    this.context = context;
  }

  private static List<String> trimmed(List<String> values) {
    return values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** A client secret: the file's first line, else the variable; never a flag's value. */
  private String secret(Path file, String variable) {
    if (file != null) {
      try {
        return Files.readString(file).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the client secret file " + file + ": " + e);
      }
    }
    return blankToNull(context.env().get(variable));
  }

  /** The server's configuration from the parsed options. */
  ServerConfig config() {
    return ServerConfig.builder()
        .database(database.settings(context.env()))
        .host(host)
        .port(port)
        .publicUrl(publicUrl == null || publicUrl.isBlank() ? null : publicUrl.strip())
        .maxBodyBytes(maxBodyBytes)
        .maxHeaderBytes(maxHeaderBytes)
        .maxJsonDepth(maxJsonDepth)
        .maxJsonStringLength(maxJsonStringLength)
        .maxLiveKeysPerUser(keyLimits.maxKeysPerUser)
        .maxDescriptionLength(keyLimits.maxDescriptionLength)
        .authFailureLimit(authFailureLimit)
        .authFailureWindow(Duration.ofSeconds(authFailureWindowSeconds))
        .trustedProxies(trimmed(trustedProxies))
        .corsOrigins(trimmed(corsOrigins))
        .authCache(
            new AuthCacheSettings(
                Duration.ofMillis(authCacheTtlMillis),
                Duration.ofMillis(authCacheNotifiedTtlMillis),
                AuthCacheSettings.DEFAULTS.maxEntries()))
        .sessionTtl(sessionTtl)
        .metricsAddress(metricsAddress)
        .eventRetention(Duration.ofDays(eventRetentionDays))
        .signUpOpen(signUp == SignUpMode.open)
        .signUpDomains(trimmed(signUpDomains))
        .signUpCap(signUpCap)
        .smtpUrl(smtpUrl)
        .smtpPasswordFile(smtpPasswordFile)
        .smtpCaFile(smtpCaFile)
        .mailFrom(mailFrom)
        .secretKeyFile(secretKey.file)
        .api(api)
        .oidcIssuer(blankToNull(oidcIssuer))
        .oidcClientId(blankToNull(oidcClientId))
        .oidcClientSecret(
            oidcClientId == null
                ? null
                : secret(oidcClientSecretFile, "HARMONT_OIDC_CLIENT_SECRET"))
        .oidcName(oidcName)
        .oidcScopes(oidcScopes)
        .oidcSignup(oidcSignup)
        .googleClientId(blankToNull(googleClientId))
        .googleClientSecret(
            googleClientId == null
                ? null
                : secret(googleClientSecretFile, "HARMONT_GOOGLE_CLIENT_SECRET"))
        .googleIssuer(googleIssuer)
        .githubClientId(blankToNull(githubClientId))
        .githubClientSecret(
            githubClientId == null
                ? null
                : secret(githubClientSecretFile, "HARMONT_GITHUB_CLIENT_SECRET"))
        .githubUrl(githubUrl)
        .githubApiUrl(githubApiUrl)
        .build();
  }

  @Override
  public Integer call() throws InterruptedException {
    if (logFormat == LogFormat.json) {
      JsonLogFormatter.installOnRootHandlers();
    }
    HarmontServer server = HarmontServer.start(config());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  say("shutting down, draining in-flight requests");
                  server.close();
                  stopped.countDown();
                },
                "harmont-shutdown"));
    say("listening on " + server.baseUri());
    if (metricsAddress != null) {
      String host = metricsAddress.toString();
      say(
          "metrics on http://"
              + host.substring(0, host.lastIndexOf(':') + 1)
              + server.metricsPort()
              + "/metrics");
    }
    say("database " + database.describe(context.env()));
    SignUpPolicy signUpPolicy = server.emailLinks().policy();
    say(
        signUpPolicy.open()
            ? "sign-up open"
                + (signUpPolicy.domains().isEmpty()
                    ? " to anyone"
                    : " to " + String.join(", ", signUpPolicy.domains()))
            : "sign-up closed: invite people with `harmont admin invite --email …`");
    say("mail " + server.mailSender().describe());
    if (!server.sso().providers().isEmpty()) {
      say(
          "single sign-on: register this redirect URI at the provider: "
              + server.sso().redirectUri());
    }
    if (!server.accounts().hasAnyUser()) {
      say(
          "no users yet. Create the first one (it prints an API key):\n"
              + "  ./harmont admin create-user --email you@example.org --name 'Your Name'"
              + (database.dataDir != null ? " --data-dir " + database.dataDir : ""));
    }
    stopped.await();
    return ExitCodes.OK;
  }

  /**
   * A start-up or shutdown message on stderr: a plain "harmont: …" line, or with {@code
   * --log-format json} a JSON log line like every other one, so that stderr is all JSON. Written
   * directly rather than through the logger: java.util.logging resets its handlers in a shutdown
   * hook of its own, which races with the one that says "shutting down".
   */
  private void say(String message) {
    if (logFormat == LogFormat.json) {
      LogRecord record = new LogRecord(Level.INFO, message);
      record.setLoggerName("dev.harmont.serve");
      context.err().print(new JsonLogFormatter().format(record));
    } else {
      context.err().println("harmont: " + message);
    }
    context.err().flush();
  }
}
