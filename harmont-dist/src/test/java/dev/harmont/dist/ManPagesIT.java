package dev.harmont.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.cli.Cli;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The man pages in the tarball the build just wrote: {@code man/man1/harmont.1} and one page per
 * subcommand, in roff, from picocli's ManPageGenerator (harmont-dist's pom).
 */
class ManPagesIT {
  private static String tarball;
  private static String man1;
  private static List<String> entries;

  @BeforeAll
  static void list() throws Exception {
    tarball = System.getProperty("harmont.dist.tarball");
    man1 = System.getProperty("harmont.dist.name") + "/man/man1/";
    entries = tar("tzf", tarball).lines().toList();
  }

  @Test
  void theArchiveHasTheManPageOfHarmontAndOfASubcommand() throws Exception {
    assertThat(entries).contains(man1 + "harmont.1", man1 + "harmont-serve.1");

    String harmont = tar("xzOf", tarball, man1 + "harmont.1");
    assertThat(harmont).contains(".TH \"HARMONT\" \"1\"").contains("harmont \\- Harmont User API");
    assertThat(harmont).contains("\\fBkeys\\fP");

    String serve = tar("xzOf", tarball, man1 + "harmont-serve.1");
    assertThat(serve).contains(".TH \"HARMONT\\-SERVE\" \"1\"").contains("\\-\\-port");
  }

  @Test
  void everyCommandHasItsPage() {
    PrintWriter none = new PrintWriter(Writer.nullWriter());
    List<String> expected = new ArrayList<>();
    pages(Cli.create(none, none, Map.of()), "harmont", expected);
    assertThat(expected).hasSizeGreaterThan(10);
    for (String page : expected) {
      assertThat(entries).as("the page of `%s`", page).contains(man1 + page + ".1");
    }
  }

  private static void pages(CommandLine command, String name, List<String> into) {
    into.add(name);
    // Aliases share their command's page: walk each subcommand once, by its name.
    command.getSubcommands().values().stream()
        .distinct()
        .forEach(sub -> pages(sub, name + "-" + sub.getCommandName(), into));
  }

  private static String tar(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("tar"));
    command.addAll(List.of(args));
    Process tar =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as("tar %s", String.join(" ", args)).isZero();
    return out;
  }
}
