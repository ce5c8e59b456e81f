package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code docs/configuration.md} lists exactly the options {@code harmont serve --help} shows, each
 * with the environment variable and the default the command really has: a new flag without its
 * documentation, or a default changed in one place only, fails the build.
 */
class ConfigurationDocsTest {
  private static final Path DOCS = Path.of("..", "docs", "configuration.md");
  private static final String SECTION = "## `harmont serve`";
  // | `--option` | `VARIABLE` | default | meaning |
  private static final Pattern ROW =
      Pattern.compile("\\| `(--[a-z0-9-]+)` \\| `([A-Z0-9_]+)` \\| ([^|]+) \\|.*\\|");
  private static final Pattern LONE_CODE_SPAN = Pattern.compile("`[^`]*`");

  private record Documented(String variable, String defaultCell) {}

  /** The rows of the serve table, by option, in order. */
  private static Map<String, Documented> documented() throws IOException {
    List<String> lines = Files.readAllLines(DOCS);
    int start = lines.indexOf(SECTION);
    assertThat(start).as("%s has a section %s", DOCS, SECTION).isNotNegative();
    Map<String, Documented> rows = new LinkedHashMap<>();
    List<String> duplicates = new ArrayList<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      Matcher row = ROW.matcher(line);
      if (line.startsWith("| `--")) {
        assertThat(row.matches())
            .as("a row of option, variable, default, meaning: %s", line)
            .isTrue();
        if (rows.put(row.group(1), new Documented(row.group(2), row.group(3).strip())) != null) {
          duplicates.add(row.group(1));
        }
      }
    }
    assertThat(duplicates).as("options documented twice").isEmpty();
    return rows;
  }

  /** {@code harmont serve}'s model, with no environment: the built-in defaults. */
  private static CommandSpec serve() {
    CommandLine cli =
        Cli.serve(
            new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of());
    return cli.getCommandSpec();
  }

  private static List<OptionSpec> shownOptions(CommandSpec spec) {
    return spec.options().stream()
        .filter(o -> !o.hidden() && !o.usageHelp() && !o.versionHelp())
        .toList();
  }

  /** What picocli applies when the option is absent: the provider's, else the annotation's. */
  private static String builtInDefault(CommandSpec spec, OptionSpec option) throws Exception {
    String fromProvider = spec.defaultValueProvider().defaultValue(option);
    return fromProvider != null ? fromProvider : option.defaultValue();
  }

  @Test
  void theDocsListExactlyTheOptionsOfServe() throws IOException {
    List<String> shown = shownOptions(serve()).stream().map(OptionSpec::longestName).toList();

    assertThat(documented().keySet()).containsExactlyInAnyOrderElementsOf(shown);
  }

  @Test
  void eachOptionIsDocumentedWithItsVariableAndDefault() throws Exception {
    CommandSpec spec = serve();
    Map<String, Documented> docs = documented();
    SoftAssertions softly = new SoftAssertions();

    for (OptionSpec option : shownOptions(spec)) {
      String name = option.longestName();
      Documented row = docs.get(name);
      if (row == null) {
        continue; // theDocsListExactlyTheOptionsOfServe names it
      }
      softly
          .assertThat(row.variable())
          .as("variable of %s", name)
          .isEqualTo(EnvDefaults.variableFor(name));
      String builtIn = builtInDefault(spec, option);
      if (builtIn != null) {
        softly
            .assertThat(row.defaultCell())
            .as("default of %s", name)
            .isEqualTo("`" + builtIn + "`");
      } else {
        // No built-in value: words say what happens, never something that reads as a value.
        softly
            .assertThat(LONE_CODE_SPAN.matcher(row.defaultCell()).matches())
            .as("default of %s, which has none, reads as a value: %s", name, row.defaultCell())
            .isFalse();
      }
    }
    softly.assertAll();
  }

  @Test
  void theSessionBoundsInTheHelpAndTheDocsAreTheDomains() throws IOException {
    StringWriter help = new StringWriter();
    Cli.serve(new PrintWriter(help), new PrintWriter(new StringWriter()), Map.of())
        .execute("--help");

    // The one place where prose restates constants: the help and the docs say "1m to 30d".
    String bounds = SessionTtlConverter.bounds();
    assertThat(help.toString().replaceAll("\\s+", " ")).contains("from " + bounds);
    assertThat(Files.readString(DOCS)).contains("(" + bounds + ")");
  }
}
