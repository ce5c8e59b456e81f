package dev.harmont.cli;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Opens a web page for the person at the keyboard ({@code harmont login --web}). Tests pass their
 * own, which plays the browser.
 */
@FunctionalInterface
interface Browser {
  /** Asks for {@code uri} to be shown; true when something took it (not that a page is visible). */
  boolean open(URI uri);

  /** Never opens anything: the URL is printed for the person instead. */
  static Browser none() {
    return uri -> false;
  }

  /**
   * The usual ways, first that works: the command in {@code $BROWSER} (the URL as its argument, as
   * Python's webbrowser and gh read it), then the Desktop API, then {@code open} (macOS) or {@code
   * xdg-open} (only when there is a display: on a text console it may start a text browser inside
   * this very terminal).
   */
  static Browser system(Map<String, String> env) {
    return uri -> {
      String configured = env.get("BROWSER");
      if (configured != null && !configured.isBlank()) {
        List<String> command = new ArrayList<>(List.of(configured.strip().split("\\s+")));
        command.add(uri.toString());
        return run(command);
      }
      if (desktop(uri)) {
        return true;
      }
      String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
      if (os.contains("mac")) {
        return run(List.of("open", uri.toString()));
      }
      if (os.contains("win")) {
        return run(List.of("rundll32", "url.dll,FileProtocolHandler", uri.toString()));
      }
      boolean display = notBlank(env.get("DISPLAY")) || notBlank(env.get("WAYLAND_DISPLAY"));
      return display && run(List.of("xdg-open", uri.toString()));
    };
  }

  private static boolean desktop(URI uri) {
    try {
      if (GraphicsEnvironment.isHeadless()
          || !Desktop.isDesktopSupported()
          || !Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
        return false;
      }
      Desktop.getDesktop().browse(uri);
      return true;
    } catch (IOException | RuntimeException | LinkageError e) {
      return false; // no AWT libraries, no display, no handler: the next way is tried
    }
  }

  /** Runs a launcher; success is exit status 0 within a few seconds (or still running then). */
  private static boolean run(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      process.getOutputStream().close(); // nothing to read: a launcher that asks gets end of input
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        return true; // a browser that stays in the foreground: it took the page
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
