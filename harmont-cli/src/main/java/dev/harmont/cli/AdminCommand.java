package dev.harmont.cli;

import picocli.CommandLine.Command;

/** {@code harmont admin …}: operator commands that work on the database directly. */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description =
        "Operator commands run against the server's database directly (they work while the"
            + " server runs).",
    subcommands = {
      AdminCreateUserCommand.class,
      AdminIssueKeyCommand.class,
      AdminIssueSessionCommand.class,
      AdminSignInLinkCommand.class,
      AdminBackupCommand.class,
      AdminInviteCommand.class,
      AdminCreateServiceCommand.class,
      AdminListServicesCommand.class,
      AdminRevokeServiceCommand.class
    })
final class AdminCommand {}
