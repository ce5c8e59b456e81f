package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code login --web} opens the browser: {@code $BROWSER} first, its exit status counts. */
class BrowserTest {
  @TempDir Path dir;

  private Path script(String body) throws Exception {
    Path script = dir.resolve("browser");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void theBrowserVariableGetsTheAddressAsItsArgument() throws Exception {
    Path opened = dir.resolve("opened");
    Path script = script("printf '%s' \"$1\" > '" + opened + "'");
    URI uri = URI.create("http://127.0.0.1:8080/cli/authorize?state=a&client_name=b%20c");

    assertThat(Browser.system(Map.of("BROWSER", script.toString())).open(uri)).isTrue();
    assertThat(Files.readString(opened)).isEqualTo(uri.toString());
  }

  @Test
  void aLauncherThatFailsOrIsMissingOpensNothing() throws Exception {
    URI uri = URI.create("http://127.0.0.1:8080/cli/authorize");

    assertThat(Browser.system(Map.of("BROWSER", script("exit 3").toString())).open(uri)).isFalse();
    assertThat(Browser.system(Map.of("BROWSER", dir.resolve("missing").toString())).open(uri))
        .isFalse();
  }
}
