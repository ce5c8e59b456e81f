package dev.harmont.cli;

import dev.harmont.server.HarmontServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.logging.LogManager;

/** Entry point of {@code harmont}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    boolean serve = args.length > 0 && args[0].equals("serve");
    configureLogging(serve);
    if (serve) {
      HarmontServer.prepare(); // overlaps with the parsing below
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int exit =
        serve
            ? Cli.serve(out, err, System.getenv()).execute(Arrays.copyOfRange(args, 1, args.length))
            : Cli.create(out, err, System.getenv()).execute(args);
    out.flush();
    err.flush();
    System.exit(exit);
  }

  /**
   * One line per record on stderr. The server logs at INFO (start-up, access log); every other
   * command only shows warnings, so its stdout and stderr stay about the task. An explicit {@code
   * -Djava.util.logging.config.file} wins.
   */
  private static void configureLogging(boolean server) {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    String level = server ? "INFO" : "WARNING";
    String config =
        "handlers=dev.harmont.server.observe.ConsoleLog\n"
            + ".level="
            + level
            + "\n"
            + "io.helidon.common.features.level=WARNING\n"
            + "com.zaxxer.hikari.level=WARNING\n"
            + "org.flywaydb.level=WARNING\n";
    try {
      LogManager.getLogManager()
          .readConfiguration(new ByteArrayInputStream(config.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new IllegalStateException("logging configuration is a constant", e);
    }
  }
}
