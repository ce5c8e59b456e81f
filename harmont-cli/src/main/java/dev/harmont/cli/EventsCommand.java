package dev.harmont.cli;

import dev.harmont.cloud.EventListParams;
import dev.harmont.cloud.SecurityEvent;
import dev.harmont.cloud.SecurityEventPage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harmont events}: the security log, newest first, one page at a time. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
      "Show your security log, newest first: renames, keys created, rotated and revoked,"
          + " sessions started and ended, with the address, user agent and request id of each.",
      "When there are more, the command for the next page is printed on stderr."
    })
final class EventsCommand implements Callable<Integer> {
  private static final String[] HEADER = {"TIME", "EVENT", "KEY", "IP", "REQUEST ID", "CLIENT"};

  private final CliContext context;

  @Mixin ClientOptions options;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "Events per page, 1 to 200 (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--before",
      paramLabel = "CURSOR",
      description = "Continue after a previous page (the cursor it printed).")
  String before;

  EventsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    EventListParams params;
    try {
      params = new EventListParams(limit, before);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.USAGE, e.getMessage());
    }
    SecurityEventPage page = options.client(context).listEvents(params);
    if (options.json) {
      context.out().println(Json.events(page));
    } else {
      Instant now = Instant.now();
      List<String[]> rows = new ArrayList<>();
      rows.add(HEADER);
      for (SecurityEvent e : page.events()) {
        rows.add(
            new String[] {
              e.createdAt().toString() + " (" + RelativeTime.format(e.createdAt(), now) + ")",
              e.type(),
              e.apiTokenId() == null ? "-" : e.apiTokenId(),
              e.ip() == null ? "-" : e.ip(),
              e.requestId() == null ? "-" : e.requestId(),
              e.userAgent() == null ? "-" : e.userAgent()
            });
      }
      Tables.print(context.out(), rows);
      if (page.next() != null) {
        context.err().println("More: harmont events --limit " + limit + " --before " + page.next());
      }
    }
    context.out().flush();
    context.err().flush();
    return ExitCodes.OK;
  }
}
