package dev.harmont.cli;

import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.CreatedToken;
import dev.harmont.server.admin.Admin;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

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

  // The default, AccountSettings.DEFAULT_SESSION_TTL, comes from DerivedDefaults.
  @Option(
      names = "--ttl-hours",
      paramLabel = "HOURS",
      converter = Hours.class,
      description =
          "Lifetime in hours, within the bounds of a sign-in's session (default: ${DEFAULT-VALUE}).")
  Duration ttl;

  AdminIssueSessionCommand(CliContext context) {
    this.context = context;
  }

  /**
   * Whole hours within the domain's session bounds; anything else is a usage error that names them
   * (a session issued by an operator is still a bearer secret that must end).
   */
  static final class Hours implements ITypeConverter<Duration> {
    static final long MIN = ceilHours(AccountSettings.MIN_SESSION_TTL);
    static final long MAX = AccountSettings.MAX_SESSION_TTL.toHours();

    @Override
    public Duration convert(String value) {
      long hours;
      try {
        hours = Long.parseLong(value.strip());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not a whole number of hours");
      }
      if (hours < MIN || hours > MAX) {
        throw new TypeConversionException(
            "'"
                + value
                + "' is out of range: from "
                + MIN
                + " to "
                + MAX
                + " hours (a session lasts from "
                + SessionTtlConverter.bounds()
                + ")");
      }
      return Duration.ofHours(hours);
    }

    private static long ceilHours(Duration d) {
      long hours = d.toHours();
      return Duration.ofHours(hours).equals(d) ? hours : hours + 1;
    }
  }

  @Override
  public Integer call() {
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
