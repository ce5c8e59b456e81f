package dev.harmont.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code harmont passkeys remove ID}: the passkey stops signing in at once. */
@Command(
    name = "remove",
    mixinStandardHelpOptions = true,
    description =
        "Remove one of your passkeys; it stops signing in at once. Your last passkey stays: add"
            + " the new one first.")
final class PasskeysRemoveCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  @Parameters(
      index = "0",
      paramLabel = "ID",
      description = "The passkey's id, from `passkeys list`.")
  String id;

  PasskeysRemoveCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    options.client(context).deletePasskey(id);
    context.err().println("Removed passkey " + id);
    context.err().flush();
    return ExitCodes.OK;
  }
}
