package dev.harmont.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.PathWithout;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball the build just wrote, as someone with only a Linux machine uses it: extracted in a
 * temporary folder and run with no {@code java} and no {@code mvn} on {@code PATH}, no {@code
 * JAVA_HOME} and an otherwise empty environment.
 */
class DistributionIT {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  @TempDir static Path root;
  private static Path home;
  private static PathWithout path;

  @BeforeAll
  static void extract() throws Exception {
    Path tarball = Path.of(System.getProperty("harmont.dist.tarball"));
    assertThat(tarball).isRegularFile();
    Path into = Files.createDirectories(root.resolve("opt"));
    Process tar =
        new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", into.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(out).isZero();
    home = into.resolve(System.getProperty("harmont.dist.name")).toRealPath();
    path = PathWithout.javaOrMaven();
  }

  @AfterAll
  static void deletePath() {
    path.close();
  }

  /** {@code bin/harmont ARGS} in an environment holding only PATH, HOME and {@code extra}. */
  private ProcessBuilder harmont(Path userHome, Map<String, String> extra, String... args) {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/harmont").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", path.value());
    env.put("HOME", userHome.toString());
    env.putAll(extra);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    return builder;
  }

  @Test
  void theEnvironmentReallyHasNoJavaNoMavenAndNoJavaHome() throws Exception {
    Process probe =
        harmont(root, Map.of())
            .command(
                "/bin/sh",
                "-c",
                "command -v java; command -v mvn; echo \"JAVA_HOME=${JAVA_HOME-unset}\"")
            .start();
    String out = output(probe);
    assertThat(out.strip()).isEqualTo("JAVA_HOME=unset");
  }

  @Test
  void serveCreateAUserAndCallTheApiWithTheBundledRuntime(@TempDir Path work) throws Exception {
    Path userHome = Files.createDirectories(work.resolve("home"));
    Map<String, String> data = Map.of("HARMONT_DATA_DIR", work.resolve("data").toString());
    Path log = work.resolve("serve.log");
    Process server =
        harmont(userHome, data, "serve", "--port", "0")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      URI base = URI.create(awaitLog(log, server, LISTENING).group(1));

      // bin/harmont execs the bundled java: the server process runs that very file.
      Path exe = Path.of("/proc", Long.toString(server.pid()), "exe").toRealPath();
      assertThat(exe).isEqualTo(home.resolve("runtime/bin/java").toRealPath());

      Process admin =
          harmont(
                  userHome,
                  data,
                  "admin",
                  "create-user",
                  "--email",
                  "ada@example.org",
                  "--name",
                  "Ada")
              .start();
      List<String> lines = output(admin).lines().toList();
      assertThat(admin.exitValue()).isZero();
      String key = lines.get(lines.size() - 1);

      Api.Response me = new Api(base).get("/api/v0/user", key);
      assertThat(me.status()).isEqualTo(200);
      assertThat(me.json().get("email").asText()).isEqualTo("ada@example.org");

      // A client command, through the bundled HTTP client.
      Map<String, String> client = new HashMap<>();
      client.put("HARMONT_API_URL", base.toString());
      client.put("HARMONT_TOKEN", key);
      client.put("XDG_CONFIG_HOME", work.resolve("config").toString());
      Process whoami = harmont(userHome, client, "whoami", "--json").start();
      String json = output(whoami);
      assertThat(whoami.exitValue()).isZero();
      assertThat(json).contains("ada@example.org");

      server.destroy(); // SIGTERM
      assertThat(server.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).isEqualTo(143);
      assertThat(Files.readString(log)).doesNotContain(key);
    } finally {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
    // The first serve recorded which classes it used, for the next ones, outside the install
    // folder.
    if (javaMajor() >= 25) {
      assertThat(cacheFiles(userHome.resolve(".cache/harmont")))
          .anyMatch(name -> name.matches("serve-.*\\.aot\\.conf\\.\\d+"));
    }
  }

  /**
   * {@code bin/harmont serve} never shows the JVM's messages about its class cache, as {@code
   * ./harmont} does not: not while the first serve records which classes it uses (written when it
   * exits), nor while the second assembles the cache in the background, nor when the third uses it,
   * nor when other {@code HARMONT_JAVA_OPTS} make it record again. Each start prints only our
   * lines.
   */
  @Test
  void serveMakesItsClassCacheSilently(@TempDir Path work) throws Exception {
    assertThat(javaMajor()).as("the bundled runtime makes an AOT cache").isGreaterThanOrEqualTo(25);
    Path cache = work.resolve("cache");
    Map<String, String> env = new HashMap<>();
    env.put("HARMONT_DATA_DIR", work.resolve("data").toString());
    env.put("HARMONT_CACHE_DIR", cache.toString());

    serveAndStop(work, env); // records, at exit
    assertThat(cacheFiles(cache)).anyMatch(name -> name.matches("serve-.*\\.aot\\.conf\\.\\d+"));
    serveAndStop(work, env); // assembles the cache in the background
    Path aot = awaitFile(cache, "serve-.*\\.aot");
    serveAndStop(work, env); // uses it
    assertThat(cacheFiles(cache)).contains(aot.getFileName().toString());

    env.put("HARMONT_JAVA_OPTS", "-XX:+UseCompactObjectHeaders");
    serveAndStop(work, env); // made for other options: dropped, recorded again
    assertThat(aot).doesNotExist();
    assertThat(cacheFiles(cache)).anyMatch(name -> name.matches("serve-.*\\.aot\\.conf\\.\\d+"));
  }

  /** What the JVM prints about its caches or itself: unified logging tags, AOT/CDS notices. */
  private static final Pattern JVM_MESSAGE =
      Pattern.compile(
          "\\[(warning|error|info|debug) *\\]|\\[(aot|cds)|AOT|CDS|VM warning|Picked up|OpenJDK|HotSpot");

  /** Starts {@code bin/harmont serve}, waits until it serves, stops it, checks what it printed. */
  private void serveAndStop(Path work, Map<String, String> env) throws Exception {
    Path log = Files.createTempFile(work, "serve", ".log");
    Process server =
        harmont(work, env, "serve", "--port", "0")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      awaitLog(log, server, LISTENING);
      server.destroy(); // SIGTERM: bin/harmont exec'd the JVM, so this is the server itself
      assertThat(server.waitFor(90, TimeUnit.SECONDS)).isTrue();
    } finally {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(Files.readAllLines(log))
        .as("what `bin/harmont serve` printed (HARMONT_JAVA_OPTS=%s)", env.get("HARMONT_JAVA_OPTS"))
        .isNotEmpty()
        .noneMatch(line -> JVM_MESSAGE.matcher(line).find());
  }

  /** The file in {@code dir} whose name matches, once something has written it. */
  private static Path awaitFile(Path dir, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      for (String found : cacheFiles(dir)) {
        if (found.matches(name)) {
          return dir.resolve(found);
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("nothing named " + name + " in " + dir + ": " + cacheFiles(dir));
  }

  private static List<String> cacheFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void itCarriesTheNoticesOfEveryLibraryAndTheRuntime() throws Exception {
    String notices = Files.readString(home.resolve("THIRD-PARTY-NOTICES.md"));
    try (Stream<Path> jars = Files.list(home.resolve("lib/libs"))) {
      for (Path jar : jars.toList()) {
        String artifact = jar.getFileName().toString().replaceFirst("-\\d.*\\.jar$", "");
        String listedAs = artifact.startsWith("helidon") ? "helidon-*" : artifact;
        assertThat(notices).as("THIRD-PARTY-NOTICES.md names %s", jar).contains(listedAs);
      }
    }
    assertThat(home.resolve("runtime/legal/java.base/LICENSE")).exists();
    assertThat(home.resolve("licenses/helidon/LICENSE.txt")).content().contains("Apache License");
    assertThat(home.resolve("licenses/asm/LICENSE.txt")).content().contains("INRIA");
    assertThat(home.resolve("README.md")).exists();
    assertThat(home.resolve("docs/deploy.md")).exists();
  }

  @Test
  void versionAndHelpRunWithoutAnything(@TempDir Path userHome) throws Exception {
    Process version = harmont(userHome, Map.of(), "--version").start();
    assertThat(output(version)).startsWith("harmont 0.1.0");
    assertThat(version.exitValue()).isZero();
  }

  private static int javaMajor() throws IOException {
    for (String line : Files.readAllLines(home.resolve("runtime/release"))) {
      Matcher m = Pattern.compile("^JAVA_VERSION=\"(\\d+)").matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("no JAVA_VERSION in runtime/release");
  }

  /** Stdout of a finished process. */
  private static String output(Process process) throws Exception {
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private static Matcher awaitLog(Path log, Process server, Pattern pattern) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = pattern.matcher(Files.readString(log));
        if (m.find()) {
          return m;
        }
      }
      assertThat(server.isAlive())
          .as("server exited: %s", Files.exists(log) ? Files.readString(log) : "")
          .isTrue();
      Thread.sleep(50);
    }
    throw new AssertionError("server did not start: " + Files.readString(log));
  }
}
