package dev.harmont.cli;

import dev.harmont.server.account.ServiceCredential;
import dev.harmont.server.admin.Admin;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code harmont admin list-services}: the service credentials, revoked ones included. */
@Command(
    name = "list-services",
    mixinStandardHelpOptions = true,
    description =
        "List the service credentials: name, the secret's last 4 characters, created, last used,"
            + " revoked (tab-separated, one per line; never a secret).")
final class AdminListServicesCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin DatabaseOptions database;

  AdminListServicesCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (Admin admin = Admin.open(database.settings(context.env()))) {
      context.out().println("NAME\tHINT\tCREATED\tLAST_USED\tREVOKED");
      for (ServiceCredential s : admin.listServices()) {
        context
            .out()
            .println(
                s.name()
                    + "\t…"
                    + s.hint()
                    + "\t"
                    + s.createdAt()
                    + "\t"
                    + orDash(s.lastUsedAt())
                    + "\t"
                    + orDash(s.revokedAt()));
      }
      context.out().flush();
    }
    return ExitCodes.OK;
  }

  private static String orDash(Instant instant) {
    return instant == null ? "-" : instant.toString();
  }
}
