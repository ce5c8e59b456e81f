package dev.harmont.cli;

import dev.harmont.cloud.CurrentUser;
import dev.harmont.cloud.UserUpdate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code harmont rename NAME}: change the display name. */
@Command(
    name = "rename",
    mixinStandardHelpOptions = true,
    description = "Change the current user's display name.")
final class RenameCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "NAME", description = "The new display name.")
  String name;

  RenameCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    CurrentUser user = options.client(context).updateCurrentUser(new UserUpdate(name));
    WhoamiCommand.print(context, options, user);
    return ExitCodes.OK;
  }
}
