package dev.harmont.cli;

import picocli.CommandLine.Command;

/** {@code harmont keys}: the current user's personal API keys. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "List, create, rotate and revoke your personal API keys.",
    subcommands = {
      KeysListCommand.class,
      KeysCreateCommand.class,
      KeysRotateCommand.class,
      KeysRevokeCommand.class
    })
final class KeysCommand {}
