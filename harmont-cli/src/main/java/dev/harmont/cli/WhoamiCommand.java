package dev.harmont.cli;

import dev.harmont.cloud.CurrentUser;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code harmont whoami}: the user the token belongs to. */
@Command(
    name = "whoami",
    mixinStandardHelpOptions = true,
    description = "Show the current user: email, name, uuid and personal organization.")
final class WhoamiCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  WhoamiCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    CurrentUser user = options.client(context).getCurrentUser();
    print(context, options, user);
    return ExitCodes.OK;
  }

  /** Prints a user as JSON or as labelled lines; shared with rename and login. */
  static void print(CliContext context, ClientOptions options, CurrentUser user) {
    if (options.json) {
      context.out().println(Json.user(user));
    } else {
      context.out().println("email:        " + user.email());
      context.out().println("name:         " + (user.name() == null ? "-" : user.name()));
      context.out().println("uuid:         " + user.uuid());
      context
          .out()
          .println(
              "organization: " + (user.personalOrgSlug() == null ? "-" : user.personalOrgSlug()));
    }
    context.out().flush();
  }
}
