package dev.harmont.cli;

import dev.harmont.cloud.ConnectionException;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.store.SchemaTooNewException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
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
    return create(
        out,
        err,
        env,
        Terminal.system(),
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
  }

  /** The command line with a given terminal and standard input: the seam for prompts. */
  static CommandLine create(
      PrintWriter out,
      PrintWriter err,
      Map<String, String> env,
      Terminal terminal,
      BufferedReader in) {
    CliContext context = new CliContext(out, err, env, terminal, in);
    return configure(
        new CommandLine(new HarmontCommand(), new ContextFactory(context)), out, err, env);
  }

  /**
   * {@code harmont serve} alone, to be given the arguments after {@code serve}: the same command,
   * options, defaults and exit codes as through {@link #create}, without building the model of
   * every other command first. On a cold JVM that model costs ~0.3 s of the server's start-up
   * (picocli reads each command's annotations reflectively, in classes the JVM cannot archive).
   */
  public static CommandLine serve(PrintWriter out, PrintWriter err, Map<String, String> env) {
    CliContext context =
        new CliContext(
            out,
            err,
            env,
            Terminal.system(),
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    CommandLine cli = new CommandLine(new ServeCommand(context));
    cli.setCommandName("harmont serve");
    return configure(cli, out, err, env);
  }

  private static CommandLine configure(
      CommandLine cli, PrintWriter out, PrintWriter err, Map<String, String> env) {
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
    if (e instanceof CliFailure f) {
      return f.exitCode();
    }
    if (e instanceof ConnectionException) {
      return ExitCodes.NETWORK;
    }
    if (e instanceof dev.harmont.cloud.HarmontException h) {
      return h.statusCode() > 0 ? ExitCodes.forStatus(h.statusCode()) : ExitCodes.API_ERROR;
    }
    if (e instanceof HarmontException h) {
      return ExitCodes.forStatus(h.code().status());
    }
    if (e instanceof SchemaTooNewException) {
      return ExitCodes.API_ERROR;
    }
    if (e instanceof CommandLine.ParameterException || e instanceof IllegalArgumentException) {
      // IllegalArgumentException: a setting the server refused at start-up (e.g. a database URL
      // with conflicting credentials); the message names it.
      return ExitCodes.USAGE;
    }
    return ExitCodes.INTERNAL;
  }

  private static void report(PrintWriter err, Exception e) {
    if (e instanceof CliFailure f) {
      err.println("harmont: " + f.getMessage());
    } else if (e instanceof dev.harmont.cloud.HarmontException h) {
      err.println("harmont: " + describe(h));
      if (h.docUrl() != null) {
        err.println("See " + h.docUrl());
      }
    } else if (e instanceof HarmontException h) {
      err.println("harmont: " + h.getMessage() + " (" + h.code().code() + ")");
    } else if (e instanceof IllegalArgumentException || e instanceof SchemaTooNewException) {
      err.println("harmont: " + e.getMessage());
    } else {
      err.println("harmont: unexpected error: " + e);
    }
    err.flush();
  }

  /** {@code MESSAGE (code CODE, request_id ID)}, with the parts the error has. */
  private static String describe(dev.harmont.cloud.HarmontException h) {
    if (h.errorMessage() == null) {
      return h.getMessage(); // no envelope: the SDK's message already names status and request id
    }
    StringBuilder line = new StringBuilder(h.errorMessage());
    if (h.code() != null || h.requestId() != null) {
      line.append(" (");
      if (h.code() != null) {
        line.append("code ").append(h.code());
      }
      if (h.requestId() != null) {
        line.append(h.code() != null ? ", " : "").append("request_id ").append(h.requestId());
      }
      line.append(')');
    }
    return line.toString();
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
