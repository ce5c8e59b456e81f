package dev.harmont.server.testing;

import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.store.DatabaseSettings;
import java.nio.file.Path;

/**
 * Runs a server in a child process for crash tests, with the default limits: {@code ServeForTest
 * DATA_DIR [--url=JDBC_URL] [--smtp-url=URL] [--secret-key-file=FILE]}. Without {@code --url} the
 * data is the embedded SQLite file in DATA_DIR; with it (PostgreSQL), the credentials come from
 * {@code HARMONT_DATABASE_USER} and {@code HARMONT_DATABASE_PASSWORD} as for {@link Backend}.
 * Prints the port on stdout once serving, then runs until killed.
 */
public final class ServeForTest {
  private ServeForTest() {}

  public static void main(String[] args) throws InterruptedException {
    Path dataDir = Path.of(args[0]);
    ServerConfig.Builder config =
        ServerConfig.builder().port(0).database(DatabaseSettings.embedded(dataDir));
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--url=")) {
        config.database(
            new DatabaseSettings(
                dataDir,
                args[i].substring("--url=".length()),
                System.getenv("HARMONT_DATABASE_USER"),
                System.getenv("HARMONT_DATABASE_PASSWORD"),
                4));
      } else if (args[i].startsWith("--smtp-url=")) {
        config.smtpUrl(args[i].substring("--smtp-url=".length()));
      } else if (args[i].startsWith("--secret-key-file=")) {
        config.secretKeyFile(Path.of(args[i].substring("--secret-key-file=".length())));
      } else {
        throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    HarmontServer server = HarmontServer.start(config.build());
    System.out.println(server.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
