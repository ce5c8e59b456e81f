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
  private static final String[] HEADER = {"ID", "DESCRIPTION", "CREATED", "EXPIRES", "LAST USED"};

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
              token.description() == null ? "-" : token.description(),
              RelativeTime.format(token.createdAt(), now),
              RelativeTime.format(token.expiresAt(), now),
              RelativeTime.format(token.lastUsedAt(), now)
            });
      }
      printTable(rows);
    }
    context.out().flush();
    return ExitCodes.OK;
  }

  private void printTable(List<String[]> rows) {
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      context.out().println(line);
    }
  }
}
