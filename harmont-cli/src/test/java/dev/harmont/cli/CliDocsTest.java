package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The reference half of {@code docs/cli.md} is the usage picocli renders for every command, so it
 * cannot drift from the code: this test renders it and fails when the file differs. After changing
 * a command, write the file again with {@code -Dharmont.docs.write=true}:
 *
 * <pre>{@code
 * mvn -B -pl harmont-cli -am verify -Dtest=CliDocsTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -DskipITs -Dharmont.docs.write=true
 * }</pre>
 *
 * Everything above the {@link #MARKER} line is written by hand and kept as it is.
 */
class CliDocsTest {
  private static final Path DOCS = Path.of("..", "docs", "cli.md");

  /** The line after which the file is generated. */
  static final String MARKER =
      "<!-- Generated from the picocli commands by CliDocsTest; do not edit below this line. -->";

  /** Wide enough for every table of options, narrow enough to read without scrolling. */
  private static final int WIDTH = 100;

  /** The generated reference: one section per command, in the order {@code --help} lists them. */
  static String reference() {
    CommandLine root =
        Cli.create(
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            Map.of(),
            Terminal.none(),
            new BufferedReader(new StringReader("")),
            Browser.none());
    StringBuilder out = new StringBuilder();
    appendIndex(root, out, 0);
    appendCommand(root, out);
    return out.toString();
  }

  private static void appendIndex(CommandLine command, StringBuilder out, int depth) {
    String name = command.getCommandSpec().qualifiedName();
    out.append("  ".repeat(depth))
        .append("- [`")
        .append(name)
        .append("`](#")
        .append(name.replace(' ', '-'))
        .append(")\n");
    for (CommandLine sub : shown(command)) {
      appendIndex(sub, out, depth + 1);
    }
    if (depth == 0) {
      out.append('\n');
    }
  }

  private static void appendCommand(CommandLine command, StringBuilder out) {
    command.setUsageHelpWidth(WIDTH);
    command.setUsageHelpAutoWidth(false);
    String usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
    out.append("### ").append(command.getCommandSpec().qualifiedName()).append("\n\n");
    out.append("```text\n").append(usage.stripTrailing().replaceAll("(?m)[ \t]+$", ""));
    out.append("\n```\n\n");
    for (CommandLine sub : shown(command)) {
      appendCommand(sub, out);
    }
  }

  private static Iterable<CommandLine> shown(CommandLine command) {
    return command.getSubcommands().values().stream()
        .distinct() // aliases map to the same command
        .filter(sub -> !sub.getCommandSpec().usageMessage().hidden())
        .toList();
  }

  @Test
  void theReferenceInDocsCliMdIsWhatPicocliRendersForEveryCommand() throws IOException {
    String text = Files.readString(DOCS, StandardCharsets.UTF_8);
    int at = text.indexOf(MARKER + "\n");
    assertThat(at).as("%s has the line %s", DOCS, MARKER).isNotNegative();
    String handWritten = text.substring(0, at + MARKER.length() + 1);
    String expected = handWritten + "\n" + reference();
    if (Boolean.getBoolean("harmont.docs.write") && !text.equals(expected)) {
      Files.writeString(DOCS, expected, StandardCharsets.UTF_8);
      text = Files.readString(DOCS, StandardCharsets.UTF_8);
    }
    assertThat(text)
        .as(
            "docs/cli.md is out of date: write it again with -Dharmont.docs.write=true"
                + " (see CliDocsTest)")
        .isEqualTo(expected);
  }
}
