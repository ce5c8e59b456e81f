package dev.harmont.cli;

import java.time.Duration;
import java.time.Instant;

/** Times for people: "3 minutes ago", "in 29 days", "never". */
final class RelativeTime {
  private RelativeTime() {}

  static String format(Instant when, Instant now) {
    if (when == null) {
      return "never";
    }
    Duration diff = Duration.between(now, when);
    boolean future = !diff.isNegative();
    long seconds = Math.abs(diff.getSeconds());
    String amount;
    if (seconds < 60) {
      return future ? "in a moment" : "just now";
    } else if (seconds < 3600) {
      amount = plural(seconds / 60, "minute");
    } else if (seconds < 86_400) {
      amount = plural(seconds / 3600, "hour");
    } else {
      amount = plural(seconds / 86_400, "day");
    }
    return future ? "in " + amount : amount + " ago";
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }
}
