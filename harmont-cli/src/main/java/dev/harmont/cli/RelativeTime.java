package dev.harmont.cli;

import java.time.Duration;
import java.time.Instant;

/** Times for people: "3 minutes ago", "in 30 days", "never". */
final class RelativeTime {
  private RelativeTime() {}

  static String format(Instant when, Instant now) {
    if (when == null) {
      return "never";
    }
    Duration diff = Duration.between(now, when);
    boolean future = !diff.isNegative();
    long seconds = Math.abs(diff.getSeconds());
    if (seconds < 60) {
      return future ? "in a moment" : "just now";
    }
    // Rounded, not truncated: a key created with --expires-in 30d reads "in 30 days".
    long minutes = Math.round(seconds / 60.0);
    long hours = Math.round(seconds / 3600.0);
    String amount =
        minutes < 60
            ? plural(minutes, "minute")
            : hours < 24 ? plural(hours, "hour") : plural(Math.round(seconds / 86_400.0), "day");
    return future ? "in " + amount : amount + " ago";
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }
}
