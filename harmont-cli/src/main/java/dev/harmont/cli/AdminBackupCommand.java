package dev.harmont.cli;

import dev.harmont.server.store.DatabaseSettings;
import dev.harmont.server.store.SqliteBackup;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harmont admin backup}: a consistent copy of the embedded database, while it serves. */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Copy the embedded SQLite database to FILE while servers run and write (a consistent"
          + " snapshot: every write committed before the copy starts, none after). Never"
          + " overwrites FILE. To restore, stop the server and put the copy in the data"
          + " directory as harmont.db (see docs/deploy.md).",
      "PostgreSQL: use pg_dump instead."
    })
final class AdminBackupCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin DatabaseOptions database;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the copy; must not exist yet.")
  Path to;

  AdminBackupCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException, SQLException {
    DatabaseSettings settings = database.settings(context.env());
    if (!SqliteBackup.supports(settings)) {
      throw new CliFailure(
          ExitCodes.USAGE,
          "backup copies the embedded SQLite database; "
              + settings.describe()
              + " is PostgreSQL: back it up with pg_dump, e.g.\n"
              + "  pg_dump --format=custom --file=harmont-$(date +%F).dump"
              + " 'postgresql://USER@HOST:5432/DATABASE'\n"
              + "and restore with pg_restore --clean --dbname=... (see docs/deploy.md).");
    }
    SqliteBackup.Result result;
    try {
      result = SqliteBackup.copy(settings, to);
    } catch (FileAlreadyExistsException e) {
      throw new CliFailure(
          ExitCodes.API_ERROR,
          e.getFile() + " already exists; backup never overwrites a file. Choose another name.");
    } catch (NoSuchFileException e) {
      throw new CliFailure(ExitCodes.NOT_FOUND, e.getFile() + ": " + e.getReason() + ".");
    }
    context.out().println("Backed up " + result.source());
    context.out().println("  to              " + result.file());
    context.out().println("  size            " + result.bytes() + " bytes");
    context.out().println("  users           " + result.users());
    context.out().println("  API keys        " + result.apiKeys());
    context.out().println("  session tokens  " + result.sessions());
    context
        .out()
        .println(
            "  schema version  "
                + (result.schemaVersion() == null ? "none" : result.schemaVersion()));
    context.out().println("  integrity_check " + result.integrity());
    context.out().flush();
    if (!"ok".equals(result.integrity())) {
      throw new CliFailure(
          ExitCodes.INTERNAL,
          "the copy at " + result.file() + " fails PRAGMA integrity_check; do not rely on it.");
    }
    return ExitCodes.OK;
  }
}
