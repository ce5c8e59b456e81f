package dev.harmont.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The credential file written by {@code harmont login}: {@code
 * $XDG_CONFIG_HOME/harmont/credentials} (else {@code ~/.config/harmont/credentials}), mode 0600 in
 * a 0700 directory, holding the API URL and the token.
 */
record Credentials(String apiUrl, String token) {
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

  /** Where the file lives, from the given environment. */
  static Path path(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path config;
    if (xdg != null && !xdg.isBlank()) {
      config = Path.of(xdg);
    } else {
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      config = Path.of(home, ".config");
    }
    return config.resolve("harmont").resolve("credentials");
  }

  /** The stored credentials, or empty when there are none. */
  static Optional<Credentials> load(Map<String, String> env) {
    Path file = path(env);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    String token = props.getProperty("token");
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new Credentials(props.getProperty("api_url"), token.strip()));
  }

  /** Writes the file atomically, readable by its owner only. */
  void store(Map<String, String> env) {
    Path file = path(env);
    Path dir = file.getParent();
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
      }
      Path temp =
          Files.createTempFile(
              dir, ".credentials", ".tmp", PosixFilePermissions.asFileAttribute(FILE));
      try {
        String text =
            "# harmont login; keep this file private\napi_url="
                + apiUrl
                + "\ntoken="
                + token
                + "\n";
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
      Files.setPosixFilePermissions(file, FILE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Removes the file; true if there was one. */
  static boolean delete(Map<String, String> env) {
    try {
      return Files.deleteIfExists(path(env));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path(env), e);
    }
  }

  @Override
  public String toString() {
    return "Credentials[apiUrl=" + apiUrl + ", token=<redacted>]";
  }
}
