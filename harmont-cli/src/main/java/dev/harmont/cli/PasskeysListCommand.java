package dev.harmont.cli;

import dev.harmont.cloud.Passkey;
import dev.harmont.cloud.PasskeyList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code harmont passkeys list}: a table of the passkeys. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List your passkeys.")
final class PasskeysListCommand implements Callable<Integer> {
  private static final String[] HEADER = {"ID", "NAME", "AUTHENTICATOR", "CREATED", "LAST USED"};

  private final CliContext context;

  @Mixin ClientOptions options;

  PasskeysListCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PasskeyList list = options.client(context).listPasskeys();
    if (options.json) {
      context.out().println(Json.passkeys(list));
    } else {
      Instant now = Instant.now();
      List<String[]> rows = new ArrayList<>();
      rows.add(HEADER);
      for (Passkey passkey : list.passkeys()) {
        rows.add(
            new String[] {
              passkey.uuid(),
              passkey.nickname() == null ? "-" : passkey.nickname(),
              passkey.authenticator() == null ? "-" : passkey.authenticator(),
              RelativeTime.format(passkey.createdAt(), now),
              RelativeTime.format(passkey.lastUsedAt(), now)
            });
      }
      Tables.print(context.out(), rows);
    }
    context.out().flush();
    return ExitCodes.OK;
  }
}
