package dev.harmont.cli;

import picocli.CommandLine.Command;

/** {@code harmont passkeys}: the current user's passkeys. */
@Command(
    name = "passkeys",
    mixinStandardHelpOptions = true,
    description = "List, rename and remove your passkeys; add one in the browser.",
    subcommands = {
      PasskeysListCommand.class,
      PasskeysAddCommand.class,
      PasskeysRenameCommand.class,
      PasskeysRemoveCommand.class
    })
final class PasskeysCommand {}
