package dev.harmont.cli;

import dev.harmont.cloud.ApiToken;
import dev.harmont.cloud.ApiTokenList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code harmont keys list}: a table of the keys, never their secrets. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List your API keys (never their secrets).")
final class KeysListCommand implements Callable<Integer> {
  private static final String[] HEADER = {
    "ID", "KEY", "DESCRIPTION", "CREATED", "EXPIRES", "LAST USED"
  };

  private final CliContext context;

  @Mixin ClientOptions options;

  KeysListCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    ApiTokenList list = options.client(context).listApiTokens();
    if (options.json) {
      context.out().println(Json.tokens(list));
    } else {
      Instant now = Instant.now();
      List<String[]> rows = new ArrayList<>();
      rows.add(HEADER);
      for (ApiToken token : list.apiTokens()) {
        rows.add(
            new String[] {
              token.id(),
              hinted(token.hint()),
              token.description() == null ? "-" : token.description(),
              RelativeTime.format(token.createdAt(), now),
              RelativeTime.format(token.expiresAt(), now),
              RelativeTime.format(token.lastUsedAt(), now)
            });
      }
      Tables.print(context.out(), rows);
    }
    context.out().flush();
    return ExitCodes.OK;
  }

  /**
   * How a key is shown without its secret: {@code hm_…x9Qz} (the prefix and the last 4 characters),
   * or {@code hm_…} for keys minted before they had a hint.
   */
  static String hinted(String hint) {
    return "hm_…" + (hint == null ? "" : hint);
  }
}
