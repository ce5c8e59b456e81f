package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.IdGenerator;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;

/**
 * The documentation a newcomer reads holds together: every relative link in {@code README.md} and
 * {@code docs/*.md} points at a file that exists and, for a Markdown file, at a heading it has
 * (anchors as GitHub makes them); and every page under {@code docs/} can be reached from the README
 * by following links. The Markdown is parsed (CommonMark with GitHub's tables), so a link in a code
 * block is not a link and a link in a table is.
 */
class DocsLinksTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path README = ROOT.resolve("README.md");
  private static final Parser PARSER =
      Parser.builder()
          .extensions(List.of(TablesExtension.create()))
          .includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES)
          .build();

  /** A link as written: where it is, and its destination. */
  record Written(Path file, int line, String destination) {
    @Override
    public String toString() {
      return ROOT.relativize(file) + ":" + line + ": " + destination;
    }
  }

  private final Map<Path, Set<String>> anchors = new HashMap<>();

  @Test
  void everyRelativeLinkPointsAtAFileAndAHeadingThatExist() throws IOException {
    List<String> dead = new ArrayList<>();
    for (Path page : pages()) {
      for (Written link : links(page)) {
        String problem = problem(link);
        if (problem != null) {
          dead.add(link + " — " + problem);
        }
      }
    }
    assertThat(dead).as("dead links").isEmpty();
  }

  @Test
  void everyPageUnderDocsIsReachableFromTheReadme() throws IOException {
    Set<Path> reached = new LinkedHashSet<>();
    Deque<Path> todo = new ArrayDeque<>(List.of(README));
    while (!todo.isEmpty()) {
      Path page = todo.removeFirst();
      if (!reached.add(page)) {
        continue;
      }
      for (Written link : links(page)) {
        Path target = target(link);
        if (target != null && target.toString().endsWith(".md") && Files.isRegularFile(target)) {
          todo.addLast(target);
        }
      }
    }
    Set<String> unreachable = new TreeSet<>();
    for (Path page : docs()) {
      if (!reached.contains(page)) {
        unreachable.add(ROOT.relativize(page).toString());
      }
    }
    assertThat(unreachable).as("pages no link from README.md leads to").isEmpty();
  }

  /** What is wrong with a link, or null when it leads somewhere. */
  private String problem(Written link) throws IOException {
    URI uri;
    try {
      uri = new URI(link.destination());
    } catch (URISyntaxException e) {
      return "not a valid URI: " + e.getMessage();
    }
    if (uri.getScheme() != null || link.destination().startsWith("//")) {
      return null; // external: not ours to check here
    }
    Path target = target(link);
    if (!Files.exists(target)) {
      return "no such file " + ROOT.relativize(target);
    }
    String fragment = uri.getFragment();
    if (fragment == null || !target.toString().endsWith(".md")) {
      return null;
    }
    if (!anchorsOf(target).contains(fragment)) {
      return "no heading #" + fragment + " in " + ROOT.relativize(target);
    }
    return null;
  }

  /** The file a relative link leads to (the page itself for a bare {@code #anchor}), or null. */
  private static Path target(Written link) {
    URI uri = URI.create(link.destination().replace(" ", "%20"));
    if (uri.getScheme() != null || link.destination().startsWith("//")) {
      return null;
    }
    String path = uri.getPath();
    if (path == null || path.isEmpty()) {
      return link.file();
    }
    return link.file().getParent().resolve(path).normalize();
  }

  private Set<String> anchorsOf(Path page) throws IOException {
    Set<String> known = anchors.get(page);
    if (known == null) {
      known = new LinkedHashSet<>();
      IdGenerator ids = IdGenerator.builder().build();
      Node document = PARSER.parse(Files.readString(page, StandardCharsets.UTF_8));
      List<Heading> headings = new ArrayList<>();
      document.accept(
          new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
              headings.add(heading);
            }
          });
      for (Heading heading : headings) {
        known.add(ids.generateId(textOf(heading)));
      }
      anchors.put(page, known);
    }
    return known;
  }

  /** A heading's text as GitHub slugs it: its words and code spans, without the markup. */
  private static String textOf(Node node) {
    StringBuilder text = new StringBuilder();
    node.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Text t) {
            text.append(t.getLiteral());
          }

          @Override
          public void visit(Code code) {
            text.append(code.getLiteral());
          }
        });
    return text.toString();
  }

  private static List<Written> links(Path page) throws IOException {
    Node document = PARSER.parse(Files.readString(page, StandardCharsets.UTF_8));
    List<Written> found = new ArrayList<>();
    document.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Link link) {
            found.add(new Written(page, line(link), link.getDestination()));
            visitChildren(link);
          }

          @Override
          public void visit(Image image) {
            found.add(new Written(page, line(image), image.getDestination()));
          }
        });
    return found;
  }

  private static int line(Node node) {
    List<SourceSpan> spans = node.getSourceSpans();
    return spans.isEmpty() ? 0 : spans.get(0).getLineIndex() + 1;
  }

  /** README.md and every page under docs/. */
  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(README));
    pages.addAll(docs());
    return pages;
  }

  private static List<Path> docs() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
  }
}
