package dev.harmont.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code harmont completion bash|zsh}: a completion script for the shell. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description =
        "Print a shell completion script: `source <(harmont completion bash)`; works in zsh too.")
final class CompletionCommand implements Callable<Integer> {
  /** The shells the script supports. */
  enum Shell {
    bash,
    zsh
  }

  private final CliContext context;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  CompletionCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String script = AutoComplete.bash("harmont", spec.root().commandLine());
    // picocli's script sets up bashcompinit itself when sourced in zsh.
    context.out().print(script);
    context.out().flush();
    return ExitCodes.OK;
  }
}
