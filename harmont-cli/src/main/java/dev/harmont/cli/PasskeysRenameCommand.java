package dev.harmont.cli;

import dev.harmont.cloud.Passkey;
import dev.harmont.cloud.PasskeyUpdate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code harmont passkeys rename ID NAME}. */
@Command(
    name = "rename",
    mixinStandardHelpOptions = true,
    description = "Rename one of your passkeys (1 to 100 characters).")
final class PasskeysRenameCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  @Parameters(
      index = "0",
      paramLabel = "ID",
      description = "The passkey's id, from `passkeys list`.")
  String id;

  @Parameters(index = "1", paramLabel = "NAME", description = "The new name.")
  String name;

  PasskeysRenameCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Passkey renamed = options.client(context).renamePasskey(id, new PasskeyUpdate(name));
    if (options.json) {
      context.out().println(Json.passkey(renamed));
      context.out().flush();
    } else {
      context.err().println("Renamed passkey " + renamed.uuid() + " to " + renamed.nickname());
      context.err().flush();
    }
    return ExitCodes.OK;
  }
}
