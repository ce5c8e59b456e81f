package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/secret-scanning.md is what scanner authors copy: its regular expression, its verifiers and
 * its test vectors must agree with the server's own {@link Secrets}.
 */
class SecretScanningDocTest {
  private static final Path DOC = Path.of("..", "docs", "secret-scanning.md");
  private static final Pattern VECTOR = Pattern.compile("^\\| `(hm_[^`]*)` \\| (yes|no)\\b");

  private static String doc;
  private static Map<String, Boolean> vectors;

  @TempDir Path temp;

  @BeforeAll
  static void read() throws IOException {
    doc = Files.readString(DOC, StandardCharsets.UTF_8);
    vectors = new LinkedHashMap<>();
    for (String line : doc.split("\n")) {
      Matcher m = VECTOR.matcher(line);
      if (m.find()) {
        vectors.put(m.group(1), m.group(2).equals("yes"));
      }
    }
    assertThat(vectors).hasSizeGreaterThanOrEqualTo(8).containsValue(true).containsValue(false);
  }

  @Test
  void theServiceCredentialVectorsAndRegexAgreeWithTheServer() {
    Pattern row = Pattern.compile("^\\| `(hms_[^`]*)` \\| (yes|no)\\b");
    Map<String, Boolean> services = new LinkedHashMap<>();
    for (String line : doc.split("\n")) {
      Matcher m = row.matcher(line);
      if (m.find()) {
        services.put(m.group(1), m.group(2).equals("yes"));
      }
    }
    assertThat(services).hasSizeGreaterThanOrEqualTo(4).containsValue(true).containsValue(false);
    services.forEach(
        (key, valid) -> assertThat(Secrets.isServiceSecret(key)).as(key).isEqualTo(valid));
    Pattern regex = Pattern.compile("\\bhms_[0-9A-Za-z]{49}\\b");
    assertThat(doc).contains(regex.pattern());
    Secrets secrets = new Secrets(new SecureRandom());
    for (int i = 0; i < 100; i++) {
      String secret = secrets.mintService();
      assertThat(Secrets.isServiceSecret(secret)).as(secret).isTrue();
      assertThat(regex.matcher("x=" + secret + ";").find()).as(secret).isTrue();
    }
  }

  @Test
  void theVectorsAgreeWithTheServersChecksum() {
    vectors.forEach(
        (key, valid) -> assertThat(Secrets.checksumMatches(key)).as(key).isEqualTo(valid));
  }

  @Test
  void theRegularExpressionMatchesMintedKeysAndEveryValidVector() {
    Pattern regex = Pattern.compile(codeBlockAfter("## Regular expression", "").strip());
    Secrets secrets = new Secrets(new SecureRandom());
    for (int i = 0; i < 100; i++) {
      String key = secrets.mint(TokenKind.PERSONAL);
      assertThat(regex.matcher("token=" + key + ";").find()).as(key).isTrue();
    }
    vectors.forEach(
        (key, valid) -> {
          if (valid) {
            assertThat(regex.matcher(key).matches()).as(key).isTrue();
          }
        });
  }

  @Test
  void theJavaVerifierAgreesWithTheServerOnVectorsAndFreshKeys() throws Exception {
    Path source = temp.resolve("HarmontKeyCheck.java");
    Files.writeString(source, codeBlockAfter("## A verifier", "java"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, "-d", temp.toString(), source.toString())).isZero();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {temp.toUri().toURL()})) {
      Method isValid = loader.loadClass("HarmontKeyCheck").getMethod("isValid", String.class);
      vectors.forEach((key, valid) -> assertThat(invoke(isValid, key)).as(key).isEqualTo(valid));
      Secrets secrets = new Secrets(new SecureRandom());
      for (int i = 0; i < 1000; i++) {
        String key = secrets.mint(TokenKind.PERSONAL);
        assertThat(invoke(isValid, key)).as(key).isTrue();
      }
    }
  }

  @Test
  void thePythonVerifierAgreesWithTheServer() throws Exception {
    assumeThat(onPath("python3")).as("python3 on PATH").isTrue();
    Path script = temp.resolve("harmont_key_check.py");
    Files.writeString(script, codeBlockAfter("## A verifier", "python"));
    List<String> command = new ArrayList<>(List.of("python3", script.toString()));
    command.addAll(vectors.keySet());
    Secrets secrets = new Secrets(new SecureRandom());
    List<String> fresh = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      fresh.add(secrets.mint(TokenKind.PERSONAL));
    }
    command.addAll(fresh);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    List<String> lines = out.lines().toList();
    List<String> expected = new ArrayList<>();
    vectors.forEach((key, valid) -> expected.add((valid ? "valid   " : "invalid ") + key));
    fresh.forEach(key -> expected.add("valid   " + key));
    assertThat(lines).containsExactlyElementsOf(expected);
  }

  private static boolean invoke(Method isValid, String key) {
    try {
      return (Boolean) isValid.invoke(null, key);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** The first fenced block tagged {@code language} after {@code heading}. */
  private static String codeBlockAfter(String heading, String language) {
    int from = doc.indexOf(heading);
    assertThat(from).as(heading).isNotNegative();
    String fence = "```" + language + "\n";
    int start = doc.indexOf(fence, from);
    assertThat(start).as(fence + " after " + heading).isNotNegative();
    start += fence.length();
    return doc.substring(start, doc.indexOf("```", start));
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
