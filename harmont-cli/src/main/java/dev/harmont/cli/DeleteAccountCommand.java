package dev.harmont.cli;

import dev.harmont.cloud.CurrentUser;
import dev.harmont.cloud.HarmontClient;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harmont delete-account}: delete the current user, after typing their email. */
@Command(
    name = "delete-account",
    mixinStandardHelpOptions = true,
    description =
        "Delete the current user's account, its organization and all its keys. Irreversible. Asks"
            + " to type the email unless --yes; without a terminal, --yes is required.")
final class DeleteAccountCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  @Option(names = "--yes", description = "Do not ask for confirmation.")
  boolean yes;

  DeleteAccountCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (!yes && !context.terminal().interactive()) {
      throw new CliFailure(
          ExitCodes.USAGE,
          "refusing to delete the account: no terminal to confirm on; pass --yes to delete anyway");
    }
    HarmontClient client = options.client(context);
    CurrentUser user = client.getCurrentUser();
    if (!yes) {
      String typed =
          context.terminal().readLine("Type the email to confirm (" + user.email() + "): ");
      if (typed == null
          || !typed
              .strip()
              .toLowerCase(Locale.ROOT)
              .equals(user.email().toLowerCase(Locale.ROOT))) {
        throw new CliFailure(ExitCodes.USAGE, "the email did not match; nothing was deleted");
      }
    }
    client.deleteCurrentUser();
    if (options.usesStoredToken()) {
      Credentials.delete(context.env());
    }
    context.err().println("Deleted the account of " + user.email());
    context.err().flush();
    return ExitCodes.OK;
  }
}
