package dev.harmont.cli;

import dev.harmont.server.account.CreatedToken;
import dev.harmont.server.admin.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harmont admin issue-key}: another personal API key for an existing user. */
@Command(
    name = "issue-key",
    mixinStandardHelpOptions = true,
    description =
        "Mint a personal API key for an existing user. Prints it as the last line of stdout; it"
            + " is shown only once.")
final class AdminIssueKeyCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin DatabaseOptions database;

  @Mixin KeyLimitOptions keyLimits;

  @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "The user.")
  String email;

  @Option(
      names = "--description",
      paramLabel = "TEXT",
      description = "Label for the key (at most 255 characters).")
  String description;

  AdminIssueKeyCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (Admin admin = Admin.open(database.settings(context.env()), keyLimits.accountSettings())) {
      CreatedToken key = admin.issueKey(email, description, null);
      context.err().println("New API key " + key.token().id() + "; it is shown only once:");
      context.err().flush();
      context.out().println(key.secret());
      context.out().flush();
    }
    return ExitCodes.OK;
  }
}
