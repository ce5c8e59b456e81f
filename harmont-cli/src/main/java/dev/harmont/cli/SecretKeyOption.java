package dev.harmont.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --secret-key-file}: the keys that seal queued mail in the database. For {@code serve} and
 * the admin commands that queue mail; every process on one PostgreSQL database needs the same.
 */
final class SecretKeyOption {
  @Option(
      names = "--secret-key-file",
      paramLabel = "FILE",
      description =
          "Keys that seal queued mail in the database, one base64 32-byte key a line, the first"
              + " sealing (env HARMONT_SECRET_KEY_FILE; default: harmont.db.key beside the"
              + " embedded database, made when missing; required with PostgreSQL and --smtp-url).")
  Path file;
}
