package dev.harmont.server;

import java.time.Duration;

/**
 * How long the security log keeps events, and how often the server deletes older ones. Events past
 * the retention are never listed, even while they wait for the next deletion.
 *
 * @param retention how long an event is kept ({@code --event-retention-days}, default 90 days)
 * @param pruneInterval how often older events are deleted (hourly; tests make it short)
 */
public record SecurityLogSettings(Duration retention, Duration pruneInterval) {
  public static final SecurityLogSettings DEFAULTS =
      new SecurityLogSettings(Duration.ofDays(90), Duration.ofHours(1));

  public SecurityLogSettings {
    if (retention == null || retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("the event retention must be positive");
    }
    if (pruneInterval == null || pruneInterval.isNegative() || pruneInterval.isZero()) {
      throw new IllegalArgumentException("the prune interval must be positive");
    }
  }

  public SecurityLogSettings withRetention(Duration v) {
    return new SecurityLogSettings(v, pruneInterval);
  }

  public SecurityLogSettings withPruneInterval(Duration v) {
    return new SecurityLogSettings(retention, v);
  }
}
