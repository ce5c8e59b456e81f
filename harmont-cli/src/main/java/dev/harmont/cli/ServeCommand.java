package dev.harmont.cli;

import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;
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

  @Option(
      names = "--max-body-bytes",
      paramLabel = "BYTES",
      defaultValue = "" + ServerConfig.DEFAULT_MAX_BODY_BYTES,
      description =
          "Largest request body accepted (env HARMONT_MAX_BODY_BYTES; default: ${DEFAULT-VALUE}).")
  int maxBodyBytes;

  @Option(
      names = "--max-header-bytes",
      paramLabel = "BYTES",
      defaultValue = "" + ServerConfig.DEFAULT_MAX_HEADER_BYTES,
      description =
          "Largest request header block accepted (env HARMONT_MAX_HEADER_BYTES; default:"
              + " ${DEFAULT-VALUE}).")
  int maxHeaderBytes;

  ServeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig config =
        ServerConfig.embedded(ServerConfig.defaultDataDir(context.env()))
            .withDatabase(database.settings(context.env()))
            .withHost(host)
            .withPort(port)
            .withPublicUrl(publicUrl == null || publicUrl.isBlank() ? null : publicUrl.strip())
            .withMaxBodyBytes(maxBodyBytes)
            .withMaxHeaderBytes(maxHeaderBytes);
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
