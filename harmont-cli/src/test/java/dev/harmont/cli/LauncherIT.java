package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.PathWithout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code harmont.jar}, end to end, as people run it: serve, create a user with the
 * admin command while the server runs, use the key over HTTP, stop with SIGTERM.
 */
class LauncherIT {
  private static final Path JAR = Path.of("target", "harmont.jar");
  private static final Pattern LISTENING = Pattern.compile("listening on (http://[^\\s\"]+)");

  @TempDir Path dataDir;

  private ProcessBuilder harmont(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("HARMONT_DATA_DIR", dataDir.toString());
    return builder;
  }

  @Test
  void serveCreateUserUseTheKeyAndStopWithSigterm() throws Exception {
    Path log = dataDir.resolve("serve.log");
    Process server = serve(log);
    try {
      URI base = awaitListening(log, server);
      // The first-run hint follows the listening line.
      awaitLog(log, server, Pattern.compile("admin create-user"));

      String key = createUser("ada@example.org", "Ada");

      Api api = new Api(base);
      assertThat(api.get("/api/v0/user", key).json().get("email").asText())
          .isEqualTo("ada@example.org");

      server.destroy(); // SIGTERM
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).isEqualTo(143);
      assertThat(Files.readString(log)).contains("shutting down").doesNotContain(key);
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void loginCreateAKeyAndListThemAsJson(@TempDir Path config) throws Exception {
    Path log = dataDir.resolve("serve.log");
    Process server = serve(log);
    try {
      URI base = awaitListening(log, server);
      String key = createUser("ada@example.org", "Ada");

      ProcessBuilder login = client(base, config, "login");
      login.redirectInput(ProcessBuilder.Redirect.PIPE);
      Process loginProcess = login.start();
      loginProcess.getOutputStream().write((key + "\n").getBytes(StandardCharsets.UTF_8));
      loginProcess.getOutputStream().close();
      output(loginProcess);
      assertThat(loginProcess.exitValue()).isZero();
      assertThat(config.resolve("harmont").resolve("credentials")).exists();

      Process create = client(base, config, "keys", "create", "--description", "laptop").start();
      String secret = output(create).strip();
      assertThat(create.exitValue()).isZero();
      assertThat(secret).startsWith("hm_");

      Process list = client(base, config, "keys", "list", "--json").start();
      String json = output(list);
      assertThat(list.exitValue()).isZero();
      JsonNode keys = new ObjectMapper().readTree(json).get("api_tokens");
      assertThat(keys).hasSize(2);
      assertThat(json).contains("laptop").doesNotContain(secret).doesNotContain(key);
    } finally {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * {@code HARMONT_LOG_FORMAT=json} and {@code HARMONT_METRICS_ADDRESS}: every line on stderr is a
   * JSON object (start-up messages, access lines, shutdown) without the key, and the metrics
   * listener counts the requests by route.
   */
  @Test
  void serveWithJsonLogsAndAMetricsListener() throws Exception {
    Path log = dataDir.resolve("serve.log");
    ProcessBuilder builder =
        harmont("serve", "--port", "0").redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("HARMONT_LOG_FORMAT", "json");
    builder.environment().put("HARMONT_METRICS_ADDRESS", "127.0.0.1:0");
    Process server = builder.start();
    try {
      URI base = awaitListening(log, server);
      Matcher metrics =
          awaitLog(
              log, server, Pattern.compile("metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)"));
      String key = createUser("json@example.org", "Jay");
      Api api = new Api(base);
      assertThat(api.get("/api/v0/user?token=" + key, key).status()).isEqualTo(200);
      awaitLog(log, server, Pattern.compile("\"route\":\"/api/v0/user\""));

      try (HttpClient http = HttpClient.newHttpClient()) {
        String scrape =
            http.send(
                    HttpRequest.newBuilder(URI.create(metrics.group(1))).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(scrape)
            .contains(
                "harmont_http_requests_total{method=\"GET\",route=\"/api/v0/user\",status=\"200\"} 1")
            .contains("harmont_build_info{version=");
      }
      assertThat(api.get("/metrics", null).status()).isEqualTo(404);

      server.destroy(); // SIGTERM
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      List<String> lines = Files.readAllLines(log);
      assertThat(lines).isNotEmpty();
      ObjectMapper json = new ObjectMapper();
      for (String line : lines) {
        JsonNode object = json.readTree(line);
        assertThat(object.isObject()).as(line).isTrue();
        assertThat(object.has("time") && object.has("level") && object.has("message"))
            .as(line)
            .isTrue();
        assertThat(line).doesNotContain(key);
      }
      assertThat(String.join("\n", lines)).contains("shutting down");
    } finally {
      server.destroyForcibly();
    }
  }

  /** A client command pointed at the server and a private config directory. */
  private ProcessBuilder client(URI base, Path config, String... args) {
    ProcessBuilder builder = harmont(args);
    builder.environment().remove("HARMONT_TOKEN");
    builder.environment().put("HARMONT_API_URL", base.toString());
    builder.environment().put("XDG_CONFIG_HOME", config.toString());
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    return builder;
  }

  /** Stdout of a finished process; stderr is discarded. */
  private static String output(Process process) throws Exception {
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  /** `harmont serve` on a free port, its stdout and stderr in {@code log}. */
  private Process serve(Path log) throws IOException {
    // A file, not a pipe: reading a child's pipe while it exits races with the JDK's reaper.
    return harmont("serve", "--port", "0")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** `harmont admin create-user`; returns the key, the last line of its stdout. */
  private String createUser(String email, String name) throws Exception {
    Process admin = harmont("admin", "create-user", "--email", email, "--name", name).start();
    List<String> lines = output(admin).lines().toList();
    assertThat(admin.exitValue()).isZero();
    return lines.get(lines.size() - 1);
  }

  private static URI awaitListening(Path log, Process server) throws Exception {
    return URI.create(awaitLog(log, server, LISTENING).group(1));
  }

  private static Matcher awaitLog(Path log, Process server, Pattern pattern) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
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

  /**
   * The SDK on its own: a program compiled and run with only the harmont-cloud jar and Jackson on
   * its class path runs every operation against a `harmont serve` process.
   */
  @Test
  void theSdkAloneRunsEveryOperationAgainstServe() throws Exception {
    Path log = dataDir.resolve("serve.log");
    Process server = serve(log);
    try {
      URI base = awaitListening(log, server);
      String key = createUser("sdk@example.org", "SDK");

      String classPath;
      try (var libs = Files.list(Path.of("target", "libs"))) {
        classPath =
            libs.filter(
                    p ->
                        p.getFileName().toString().startsWith("harmont-cloud-")
                            || p.getFileName().toString().startsWith("jackson-"))
                .map(p -> p.toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
      }
      assertThat(classPath).contains("harmont-cloud-").doesNotContain("harmont-server");
      Path source = Path.of("src", "test", "resources", "sdk-standalone", "AllOperations.java");
      Path classes = Files.createDirectories(dataDir.resolve("standalone"));
      Path javaHome = Path.of(System.getProperty("java.home"));
      Process javac =
          new ProcessBuilder(
                  javaHome.resolve("bin/javac").toString(),
                  "--release",
                  "17",
                  "-cp",
                  classPath,
                  "-d",
                  classes.toString(),
                  source.toString())
              .redirectErrorStream(true)
              .start();
      String compiled = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(javac.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(javac.exitValue()).as(compiled).isZero();

      Process run =
          new ProcessBuilder(
                  javaHome.resolve("bin/java").toString(),
                  "-cp",
                  classes + java.io.File.pathSeparator + classPath,
                  "AllOperations",
                  base.toString(),
                  key)
              .redirectErrorStream(true)
              .start();
      String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(run.exitValue()).as(output).isZero();
      assertThat(output)
          .contains(
              "user sdk@example.org",
              "renamed Standalone",
              "keys 2",
              "rotated true",
              "events api_token.rotated",
              "logged out",
              "deleted");
    } finally {
      server.destroyForcibly();
    }
  }

  /**
   * The Maven Wrapper from a fresh clone of the committed repository: its files are committed and
   * executable, {@code ./mvnw -v} runs with a JDK and no Maven, and the scripts build with it when
   * there is no {@code mvn} on PATH (and with {@code mvn} when there is).
   */
  @Test
  void aFreshCloneBuildsWithTheMavenWrapperWhenThereIsNoMaven(@TempDir Path clone)
      throws Exception {
    Path repository = Path.of("").toAbsolutePath().getParent();
    String head = run(repository, Map.of(), "git", "rev-parse", "HEAD").strip();
    run(repository, Map.of(), "git", "clone", "--quiet", "--no-checkout", ".", clone.toString());
    run(clone, Map.of(), "git", "checkout", "--quiet", head);
    assertThat(clone.resolve("mvnw")).isExecutable();
    assertThat(clone.resolve(".mvn/wrapper/maven-wrapper.properties")).isRegularFile();

    try (PathWithout path = PathWithout.javaOrMaven()) {
      Map<String, String> jdkOnly =
          Map.of("PATH", path.value(), "JAVA_HOME", System.getProperty("java.home"));
      assertThat(run(clone, jdkOnly, "./mvnw", "-v")).contains("Apache Maven 3.9.");

      String chosen =
          ". scripts/jdk.sh && harmont_find_jdk && harmont_require_maven && echo $HARMONT_MVN";
      assertThat(run(clone, jdkOnly, "bash", "-c", chosen).strip())
          .isEqualTo(clone.resolve("mvnw").toString());
      Map<String, String> withMaven = new HashMap<>(jdkOnly);
      withMaven.put("PATH", System.getenv("PATH"));
      if (!run(clone, withMaven, "bash", "-c", "command -v mvn || true").isBlank()) {
        assertThat(run(clone, withMaven, "bash", "-c", chosen).strip()).isEqualTo("mvn");
      }
    }
  }

  /** Runs {@code command} in {@code dir} with {@code env} added; returns its stdout. */
  private static String run(Path dir, Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().putAll(env);
    Path err = Files.createTempFile("harmont-launcher-", ".err");
    try {
      Process process = builder.redirectError(err.toFile()).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue())
          .as("%s: %s%s", String.join(" ", command), out, Files.readString(err))
          .isZero();
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }

  @Test
  void versionAndHelp() throws Exception {
    Process version = harmont("--version").start();
    String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(version.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(out).startsWith("harmont 0.1.0");
  }

  /**
   * `./harmont serve`, the launcher script as people run it, never shows the JVM's messages about
   * its class cache: not while recording it, assembling it or using it, nor when the cache was made
   * for other JVM options or is damaged. Each start's stdout and stderr hold only our lines.
   */
  @Test
  void theLauncherPrintsNoJvmMessagesWhateverTheStateOfItsClassCache() throws Exception {
    assertThat(Runtime.version().feature())
        .as("the launcher's AOT cache needs JDK 25, as the build does")
        .isGreaterThanOrEqualTo(25);
    Path target = JAR.toAbsolutePath().getParent();
    Path aot = target.resolve("harmont-serve.aot");
    deleteCacheFiles(target);
    // The launcher rebuilds when a source is newer than the jar; the jar was just built.
    Files.setLastModifiedTime(
        JAR, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));

    serveThroughLauncher(null); // records which classes serve uses, at exit
    assertThat(cacheFiles(target)).anyMatch(name -> name.startsWith("harmont-serve.aot.conf."));
    serveThroughLauncher(null); // assembles the cache in the background
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!Files.exists(aot) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(aot).exists();
    serveThroughLauncher(null); // uses it

    // Damaged: the JVM cannot use it and would say so at every start.
    try (var channel =
        java.nio.channels.FileChannel.open(aot, java.nio.file.StandardOpenOption.WRITE)) {
      channel.truncate(Files.size(aot) / 2);
    }
    serveThroughLauncher(null);
    // Made for other JVM options: dropped and recorded again.
    serveThroughLauncher("-XX:+UseCompactObjectHeaders");
    assertThat(aot).doesNotExist();
    deleteCacheFiles(target);
  }

  /** Starts `./harmont serve`, waits until it serves, stops it, and checks what it printed. */
  private void serveThroughLauncher(String javaOpts) throws Exception {
    Path script = Path.of("..", "harmont").toAbsolutePath().normalize();
    Path out = Files.createTempFile(dataDir, "serve", ".out");
    Path err = Files.createTempFile(dataDir, "serve", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(script.toString(), "serve", "--port", "0")
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().put("HARMONT_DATA_DIR", dataDir.toString());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().remove("HARMONT_JAVA_OPTS");
    if (javaOpts != null) {
      builder.environment().put("HARMONT_JAVA_OPTS", javaOpts);
    }
    Process server = builder.start();
    try {
      awaitLog(err, server, LISTENING);
      server.destroy(); // SIGTERM: the launcher exec'd the JVM, so this is the server itself
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      server.destroyForcibly();
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(out));
    lines.addAll(Files.readAllLines(err));
    assertThat(lines)
        .as("what `harmont serve` printed (HARMONT_JAVA_OPTS=%s)", javaOpts)
        .isNotEmpty()
        .noneMatch(line -> JVM_MESSAGE.matcher(line).find());
  }

  /** What the JVM prints about its caches or itself: unified logging tags, AOT/CDS notices. */
  private static final Pattern JVM_MESSAGE =
      Pattern.compile(
          "\\[(warning|error|info|debug) *\\]|\\[(aot|cds)|AOT|CDS|VM warning|Picked up|OpenJDK|HotSpot");

  private static List<String> cacheFiles(Path target) throws IOException {
    try (var files = Files.list(target)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("harmont-serve.aot"))
          .toList();
    }
  }

  private static void deleteCacheFiles(Path target) throws IOException {
    for (String name : cacheFiles(target)) {
      Path file = target.resolve(name);
      if (Files.isDirectory(file)) {
        Files.delete(file);
      } else {
        Files.deleteIfExists(file);
      }
    }
  }
}
