package dev.harmont.cli;

import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.CreatedToken;
import dev.harmont.server.admin.Admin;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code harmont admin issue-session}: a session token, what a browser sign-in gives upstream.
 * Sessions authenticate like keys but are not listed with them and cannot be revoked by id; logout
 * revokes them.
 */
@Command(
    name = "issue-session",
    mixinStandardHelpOptions = true,
    description =
        "Mint a session token for an existing user (not listed among API keys; expires). Prints"
            + " it as the last line of stdout.")
final class AdminIssueSessionCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin DatabaseOptions database;

  @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "The user.")
  String email;

  @Option(
      names = "--ttl-hours",
      paramLabel = "HOURS",
      description = "Lifetime in hours (default: 720, 30 days).")
  Long ttlHours;

  AdminIssueSessionCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Duration ttl =
        ttlHours == null ? AccountSettings.DEFAULT_SESSION_TTL : Duration.ofHours(ttlHours);
    if (ttl.isNegative() || ttl.isZero()) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--ttl-hours must be at least 1");
    }
    try (Admin admin = Admin.open(database.settings(context.env()))) {
      CreatedToken session = admin.issueSession(email, ttl);
      context.err().println("New session token, expires " + session.token().expiresAt() + ":");
      context.err().flush();
      context.out().println(session.secret());
      context.out().flush();
    }
    return ExitCodes.OK;
  }
}
