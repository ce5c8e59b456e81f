package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code harmont serve} is parsed by {@link Cli#serve} (only the serve command's model, for a
 * faster start): it must behave exactly as {@code serve} inside the whole command tree, for help,
 * errors and the environment defaults.
 */
class ServeShortcutTest {
  private record Run(int exit, String out, String err) {}

  private static Run run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Run viaTree(Map<String, String> env, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    return run(
        Cli.create(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), env),
        all);
  }

  private static Run viaShortcut(Map<String, String> env, String... args) {
    return run(
        Cli.serve(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), env),
        args);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--help",
        "--port=not-a-number",
        "--no-such-option",
        "--sqlite-synchronous=SOMETIMES",
        "--metrics-address=9464",
        "--log-format=xml"
      })
  void theShortcutAnswersAsTheWholeTree(String arg) {
    Map<String, String> env = Map.of("HARMONT_HOST", "127.0.0.9", "HARMONT_PORT", "18999");

    Run tree = viaTree(env, arg);
    Run shortcut = viaShortcut(env, arg);

    assertThat(shortcut).isEqualTo(tree);
    assertThat(tree.out() + tree.err()).contains("harmont serve");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9464",
        "127.0.0.1",
        "127.0.0.1:",
        "127.0.0.1:http",
        "127.0.0.1:65536",
        "::1:9464",
        ":9464",
        "host name:9464"
      })
  // Were the value accepted, the command would start a server and never return.
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aBadMetricsAddressIsAUsageErrorThatSaysWhatIsExpected(String value) {
    Run flag = viaShortcut(Map.of(), "--metrics-address", value);
    Run variable = viaShortcut(Map.of("HARMONT_METRICS_ADDRESS", value));

    assertThat(flag.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(flag.err()).contains("--metrics-address").contains("expected HOST:PORT");
    assertThat(variable.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(variable.err()).contains("expected HOST:PORT");
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anUnknownLogFormatIsAUsageError() {
    Run run = viaShortcut(Map.of("HARMONT_LOG_FORMAT", "xml"));

    assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--log-format").contains("text, json");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HARMONT_PORT", "HARMONT_DATABASE_POOL_SIZE"})
  // Were the variable ignored, the command would start a server and never return.
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void environmentDefaultsApplyThroughTheShortcut(String variable) {
    Map<String, String> env = Map.of(variable, "not-a-number");

    Run tree = viaTree(env);
    Run shortcut = viaShortcut(env);

    assertThat(tree.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(tree.err()).contains("not-a-number");
    assertThat(shortcut).isEqualTo(tree);
  }
}
