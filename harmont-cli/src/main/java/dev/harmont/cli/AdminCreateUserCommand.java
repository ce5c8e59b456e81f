package dev.harmont.cli;

import dev.harmont.server.account.CreatedUser;
import dev.harmont.server.admin.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harmont admin create-user}: a user, their personal organization and a first key. */
@Command(
    name = "create-user",
    mixinStandardHelpOptions = true,
    description =
        "Create a user and their personal organization. Prints a new personal API key as the"
            + " last line of stdout; it is shown only once.")
final class AdminCreateUserCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin DatabaseOptions database;

  @Mixin KeyLimitOptions keyLimits;

  @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "Email address.")
  String email;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "Display name.")
  String name;

  AdminCreateUserCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (Admin admin = Admin.open(database.settings(context.env()), keyLimits.accountSettings())) {
      CreatedUser created = admin.createUser(email, name);
      context
          .err()
          .println(
              "Created user "
                  + created.user().email()
                  + " (uuid "
                  + created.user().id()
                  + ") with personal organization "
                  + created.user().personalOrgSlug()
                  + ".");
      context.err().println("Their API key follows; it is shown only once:");
      context.err().flush();
      context.out().println(created.key().secret());
      context.out().flush();
    }
    return ExitCodes.OK;
  }
}
