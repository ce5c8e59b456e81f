package dev.harmont.server.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A folder of links to every command on this machine's PATH except some: a PATH like a machine
 * without, say, a JDK or Maven offers. Lives in its own temporary folder (deleted by {@link
 * #close}), not in a JUnit one, whose clean-up warns about every link that points outside it.
 */
public final class PathWithout implements AutoCloseable {
  private final Path dir;

  private PathWithout(Path dir) {
    this.dir = dir;
  }

  /** Every command on PATH whose name {@code excluded} does not match. */
  public static PathWithout commands(Predicate<String> excluded) {
    try {
      Path dir = Files.createTempDirectory("harmont-path-");
      for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path folder = Path.of(entry.isEmpty() ? "." : entry);
        if (!Files.isDirectory(folder)) {
          continue;
        }
        try (Stream<Path> commands = Files.list(folder)) {
          for (Path command : commands.toList()) {
            String name = command.getFileName().toString();
            Path link = dir.resolve(name);
            if (!excluded.test(name) && Files.isExecutable(command) && !Files.exists(link)) {
              Files.createSymbolicLink(link, command.toAbsolutePath());
            }
          }
        }
      }
      return new PathWithout(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Neither Java's commands nor Maven's. */
  public static PathWithout javaOrMaven() {
    return commands(
        name ->
            name.startsWith("java")
                || name.startsWith("mvn")
                || name.equals("jar")
                || name.startsWith("jlink")
                || name.startsWith("jshell"));
  }

  /** The value for PATH. */
  public String value() {
    return dir.toString();
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
