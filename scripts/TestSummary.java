import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The end of ./run-tests (run with the source launcher, nothing but the JDK): one line per module
 * from its target/surefire-reports and target/failsafe-reports XML, the failed tests, the notes
 * ./run-tests hands over (PostgreSQL, the format check), then the plain line {@code N passed, N
 * failed, N skipped} that CI reads. Exits 1 when a test failed, Maven failed or the format check
 * failed, else 0.
 *
 * <p>Arguments: the repository root, Maven's log, Maven's exit status, the format check's exit
 * status, then any number of note lines.
 */
public class TestSummary {
  private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");
  private static final Pattern NAME_AFTER_PARENT =
      Pattern.compile("</parent>.*?<name>([^<]+)</name>", Pattern.DOTALL);

  record Counts(int tests, int failures, int errors, int skipped) {
    Counts plus(Counts o) {
      return new Counts(
          tests + o.tests, failures + o.failures, errors + o.errors, skipped + o.skipped);
    }

    int passed() {
      return tests - failures - errors - skipped;
    }
  }

  record Failure(String module, String test, String message) {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String mavenLog = readOrEmpty(Path.of(args[1]));
    int mavenStatus = Integer.parseInt(args[2]);
    int formatStatus = Integer.parseInt(args[3]);
    List<String> notes = List.of(args).subList(4, args.length);

    DocumentBuilder xml = DocumentBuilderFactory.newInstance().newDocumentBuilder();
    Counts total = new Counts(0, 0, 0, 0);
    List<Failure> failures = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (String module : modules(root)) {
      Path dir = root.resolve(module);
      Counts counts = new Counts(0, 0, 0, 0);
      int reports = 0;
      for (String kind : List.of("surefire-reports", "failsafe-reports")) {
        for (Path report : reports(dir.resolve("target").resolve(kind))) {
          reports++;
          counts = counts.plus(read(xml, report, module, failures));
        }
      }
      total = total.plus(counts);
      String outcome = reactorOutcome(mavenLog, name(dir));
      String line;
      if (reports == 0) {
        line =
            switch (outcome) {
              case "SKIPPED" -> "not run: Maven skipped it, a module it needs failed to build";
              case "FAILURE" -> "no tests ran: its build FAILED (see Maven's output above)";
              default -> "no tests ran";
            };
      } else {
        line =
            String.format(
                "%d run, %d failed, %d errors, %d skipped",
                counts.tests(), counts.failures(), counts.errors(), counts.skipped());
        if (outcome.equals("FAILURE")) {
          line += "; its build FAILED (see Maven's output above)";
        }
      }
      lines.add(String.format("  %-15s %s", module, line));
    }

    System.out.println();
    System.out.println("run-tests: summary");
    lines.forEach(System.out::println);
    if (!failures.isEmpty()) {
      System.out.println("Failed tests:");
      for (Failure f : failures) {
        System.out.println(
            "  "
                + f.module()
                + "  "
                + f.test()
                + (f.message().isEmpty() ? "" : "\n      " + f.message()));
      }
    }
    notes.forEach(System.out::println);
    if (mavenStatus != 0) {
      System.out.println(
          "The build FAILED (Maven exited "
              + mavenStatus
              + ") for another reason than a failing test: see Maven's output above.");
    }
    System.out.println(
        formatStatus == 0
            ? "Format check: passed."
            : "Format check FAILED: `./mvnw spotless:apply` (or mvn) rewrites the files above.");
    int failed = total.failures() + total.errors();
    System.out.println(
        total.passed() + " passed, " + failed + " failed, " + total.skipped() + " skipped");
    System.exit(failed > 0 || mavenStatus != 0 || formatStatus != 0 ? 1 : 0);
  }

  /** The modules the root pom lists, those of its profiles too, in order. */
  static Set<String> modules(Path root) throws IOException {
    Set<String> modules = new LinkedHashSet<>();
    Matcher m = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
    while (m.find()) {
      modules.add(m.group(1));
    }
    return modules;
  }

  /** The module's {@code <name>}, as Maven's reactor summary shows it. */
  static String name(Path module) {
    Matcher m = NAME_AFTER_PARENT.matcher(readOrEmpty(module.resolve("pom.xml")));
    return m.find() ? m.group(1).strip() : module.getFileName().toString();
  }

  /** SUCCESS, FAILURE or SKIPPED from Maven's reactor summary, or "" when it has no line. */
  static String reactorOutcome(String log, String name) {
    Matcher m =
        Pattern.compile(
                "^\\[INFO\\] " + Pattern.quote(name) + "[ .]+(SUCCESS|FAILURE|SKIPPED)",
                Pattern.MULTILINE)
            .matcher(log);
    String outcome = "";
    while (m.find()) {
      outcome = m.group(1); // the last summary wins
    }
    return outcome;
  }

  static List<Path> reports(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml"))
          .sorted()
          .toList();
    }
  }

  /**
   * Counts the report's test cases one by one: the totals on its {@code <testsuite>} element can be
   * wrong (0 for a parameterized test class, for instance), while each case has its outcome.
   */
  static Counts read(DocumentBuilder xml, Path report, String module, List<Failure> failures)
      throws Exception {
    Document doc = xml.parse(report.toFile());
    NodeList cases = doc.getDocumentElement().getElementsByTagName("testcase");
    int failed = 0;
    int errors = 0;
    int skipped = 0;
    for (int i = 0; i < cases.getLength(); i++) {
      Element testcase = (Element) cases.item(i);
      for (Node child = testcase.getFirstChild(); child != null; child = child.getNextSibling()) {
        if (!(child instanceof Element e)) {
          continue;
        }
        String outcome = e.getTagName();
        if (outcome.equals("skipped")) {
          skipped++;
          break;
        }
        if (outcome.equals("failure") || outcome.equals("error")) {
          if (outcome.equals("failure")) {
            failed++;
          } else {
            errors++;
          }
          failures.add(
              new Failure(
                  module,
                  testcase.getAttribute("classname") + "." + testcase.getAttribute("name"),
                  brief(e.getAttribute("message"))));
          break;
        }
      }
    }
    return new Counts(cases.getLength(), failed, errors, skipped);
  }

  /** The message on one line, shortened: AssertJ's start with an empty line. */
  static String brief(String message) {
    String line = message.strip().replaceAll("\\s+", " ");
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  static String readOrEmpty(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
