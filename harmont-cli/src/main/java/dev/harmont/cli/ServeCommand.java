package dev.harmont.cli;

import dev.harmont.server.HarmontServer;
import dev.harmont.server.Limits;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.account.AuthCacheSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harmont serve}: runs the API until SIGTERM or Ctrl-C, then drains and exits. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the Harmont User API server.")
final class ServeCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin DatabaseOptions database;

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
      defaultValue = "65536",
      description = "Largest request body (env HARMONT_MAX_BODY_BYTES; default: ${DEFAULT-VALUE}).")
  int maxBodyBytes;

  @Option(
      names = "--max-header-bytes",
      paramLabel = "BYTES",
      defaultValue = "16384",
      description =
          "Largest request header block (env HARMONT_MAX_HEADER_BYTES; default: ${DEFAULT-VALUE}).")
  int maxHeaderBytes;

  @Option(
      names = "--max-json-depth",
      paramLabel = "N",
      defaultValue = "32",
      description = "Deepest JSON nesting (env HARMONT_MAX_JSON_DEPTH; default: ${DEFAULT-VALUE}).")
  int maxJsonDepth;

  @Option(
      names = "--max-json-string-length",
      paramLabel = "N",
      defaultValue = "65536",
      description =
          "Longest JSON string (env HARMONT_MAX_JSON_STRING_LENGTH; default: ${DEFAULT-VALUE}).")
  int maxJsonStringLength;

  @Option(
      names = "--auth-failure-limit",
      paramLabel = "N",
      defaultValue = "60",
      description =
          "Refused credentials per client address per window; past it, that address's refused"
              + " credentials get 429 instead of 401 (valid ones are always served) (env"
              + " HARMONT_AUTH_FAILURE_LIMIT; 0 = off; default: ${DEFAULT-VALUE}).")
  int authFailureLimit;

  @Option(
      names = "--auth-failure-window-seconds",
      paramLabel = "SECONDS",
      defaultValue = "60",
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
      defaultValue = "1000",
      description =
          "How long a validated token is served from memory; also how long other nodes may still"
              + " accept a key revoked on this one (env HARMONT_AUTH_CACHE_TTL_MS; 0 = off;"
              + " default: ${DEFAULT-VALUE}).")
  long authCacheTtlMillis;

  ServeCommand(CliContext context) {
    this.context = context;
  }

  private static List<String> trimmed(List<String> values) {
    return values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
  }

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig config =
        ServerConfig.embedded(ServerConfig.defaultDataDir(context.env()))
            .withDatabase(database.settings(context.env()))
            .withHost(host)
            .withPort(port)
            .withPublicUrl(publicUrl == null || publicUrl.isBlank() ? null : publicUrl.strip())
            .withLimits(
                new Limits(
                    maxBodyBytes,
                    maxHeaderBytes,
                    maxJsonDepth,
                    maxJsonStringLength,
                    keyLimits.maxKeysPerUser,
                    keyLimits.maxDescriptionLength,
                    authFailureLimit,
                    Duration.ofSeconds(authFailureWindowSeconds)))
            .withTrustedProxies(trimmed(trustedProxies))
            .withCorsOrigins(trimmed(corsOrigins))
            .withAuthCache(
                new AuthCacheSettings(
                    Duration.ofMillis(authCacheTtlMillis),
                    AuthCacheSettings.DEFAULTS.maxEntries()));
    HarmontServer server = HarmontServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  context.err().println("harmont: shutting down, draining in-flight requests");
                  context.err().flush();
                  server.close();
                  stopped.countDown();
                },
                "harmont-shutdown"));
    context.err().println("harmont: listening on " + server.baseUri());
    context.err().println("harmont: database " + database.describe(context.env()));
    if (!server.accounts().hasAnyUser()) {
      context
          .err()
          .println(
              "harmont: no users yet. Create the first one (it prints an API key):\n"
                  + "  ./harmont admin create-user --email you@example.org --name 'Your Name'"
                  + (database.dataDir != null ? " --data-dir " + database.dataDir : ""));
    }
    context.err().flush();
    stopped.await();
    return ExitCodes.OK;
  }
}
