package dev.harmont.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code harmont keys revoke ID}: the key stops working at once. */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description = "Revoke one of your API keys; it stops working at once.")
final class KeysRevokeCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "ID", description = "The key's id, from `keys list`.")
  String id;

  KeysRevokeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    options.client(context).revokeApiToken(id);
    context.err().println("Revoked API key " + id);
    context.err().flush();
    return ExitCodes.OK;
  }
}
