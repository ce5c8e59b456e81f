package dev.harmont.cli;

import dev.harmont.server.ServerConfig;
import dev.harmont.server.store.DatabaseSettings;
import dev.harmont.server.store.SqliteSynchronous;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the server's data lives; shared by {@code serve} and every {@code admin} command. */
final class DatabaseOptions {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Directory of the embedded SQLite database (env HARMONT_DATA_DIR; default"
              + " $XDG_DATA_HOME/harmont or ~/.local/share/harmont).")
  Path dataDir;

  @Option(
      names = "--database-url",
      paramLabel = "JDBC_URL",
      description =
          "Use this database instead of the embedded one, e.g."
              + " jdbc:postgresql://db:5432/harmont (env HARMONT_DATABASE_URL).")
  String databaseUrl;

  @Option(
      names = "--database-user",
      paramLabel = "USER",
      description = "Database user, if not in the URL (env HARMONT_DATABASE_USER).")
  String databaseUser;

  @Option(
      names = "--database-password",
      paramLabel = "PASSWORD",
      description =
          "Database password, if not in the URL (env HARMONT_DATABASE_PASSWORD; prefer the"
              + " variable, flags show up in process lists).")
  String databasePassword;

  @Option(
      names = "--database-pool-size",
      paramLabel = "N",
      description =
          "Connections per server process (env HARMONT_DATABASE_POOL_SIZE; default: ${DEFAULT-VALUE}).",
      defaultValue = "" + DatabaseSettings.DEFAULT_POOL_SIZE)
  int poolSize;

  // The default comes from DerivedDefaults.
  @Option(
      names = "--sqlite-synchronous",
      paramLabel = "FULL|NORMAL",
      description =
          "Embedded SQLite only: FULL answers a write once it is fsynced (survives a power"
              + " loss); NORMAL does not wait for the disk (survives kill -9, may lose the last"
              + " writes on an OS crash or power loss), for higher write rates (env"
              + " HARMONT_SQLITE_SYNCHRONOUS; default: ${DEFAULT-VALUE}).")
  SqliteSynchronous sqliteSynchronous;

  DatabaseSettings settings(Map<String, String> env) {
    Path dir = dataDir != null ? dataDir : ServerConfig.defaultDataDir(env);
    return new DatabaseSettings(
        dir, databaseUrl, databaseUser, databasePassword, poolSize, sqliteSynchronous);
  }

  /** What to show people: the URL, credentials left out. */
  String describe(Map<String, String> env) {
    return settings(env).describe();
  }
}
