package dev.harmont.cli;

import dev.harmont.server.account.HarmontException;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Builds the {@code harmont} command line: the one factory and the test seam. Commands receive the
 * {@link CliContext} through their constructor; failures become exit codes in one place.
 */
public final class Cli {
  private Cli() {}

  /** The command line writing data to {@code out} and messages to {@code err}. */
  public static CommandLine create(PrintWriter out, PrintWriter err, Map<String, String> env) {
    CliContext context = new CliContext(out, err, env);
    CommandLine cli = new CommandLine(new HarmontCommand(), new ContextFactory(context));
    cli.setOut(out);
    cli.setErr(err);
    cli.setDefaultValueProvider(new EnvDefaults(env));
    cli.setExitCodeExceptionMapper(Cli::exitCodeFor);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          report(err, e);
          return exitCodeFor(e);
        });
    return cli;
  }

  static int exitCodeFor(Throwable e) {
    if (e instanceof HarmontException h) {
      return ExitCodes.forStatus(h.code().status());
    }
    if (e instanceof CommandLine.ParameterException) {
      return ExitCodes.USAGE;
    }
    return ExitCodes.INTERNAL;
  }

  private static void report(PrintWriter err, Exception e) {
    if (e instanceof HarmontException h) {
      err.println("harmont: " + h.getMessage() + " (" + h.code().code() + ")");
    } else {
      err.println("harmont: unexpected error: " + e);
    }
    err.flush();
  }

  /** Creates commands, handing {@link CliContext} to those that take it. */
  private record ContextFactory(CliContext context) implements IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      for (Constructor<?> constructor : type.getDeclaredConstructors()) {
        Class<?>[] params = constructor.getParameterTypes();
        if (params.length == 1 && params[0] == CliContext.class) {
          constructor.setAccessible(true);
          return type.cast(constructor.newInstance(context));
        }
      }
      return CommandLine.defaultFactory().create(type);
    }
  }
}
