package dev.harmont.server.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Reading a user's security log, and its retention. Events are written by the services that make
 * the change they record, in the same transaction ({@link Mint#event}); this class only lists them
 * and deletes those past the retention period.
 */
public final class SecurityLog {
  /** Security log pages hold 1 to this many events. */
  public static final int MAX_EVENTS_PER_PAGE = 200;

  public static final int DEFAULT_EVENTS_PER_PAGE = 50;

  private final EventStore events;
  private final Duration retention;
  private final Clock clock;

  SecurityLog(EventStore events, Duration retention, Clock clock) {
    this.events = events;
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * One page of the caller's security log, newest first. Events older than the retention period are
   * never listed, even before they are deleted.
   *
   * @param limit 1 to {@link #MAX_EVENTS_PER_PAGE}
   * @param before the {@code next} cursor of the previous page, or null for the newest events
   * @throws HarmontException {@link ErrorCode#EVENTS_LIMIT_INVALID}, {@link
   *     ErrorCode#EVENTS_CURSOR_INVALID}
   */
  public EventPage listEvents(Authenticated who, int limit, String before) {
    if (limit < 1 || limit > MAX_EVENTS_PER_PAGE) {
      throw new HarmontException(ErrorCode.EVENTS_LIMIT_INVALID);
    }
    EventCursor cursor = before == null ? null : EventCursor.decode(before);
    List<SecurityEvent> found = events.list(who.user().id(), oldestKept(), cursor, limit + 1);
    if (found.size() <= limit) {
      return new EventPage(found, null);
    }
    List<SecurityEvent> page = found.subList(0, limit);
    return new EventPage(page, EventCursor.after(page.get(limit - 1)));
  }

  /** Deletes the security events older than the retention period; returns how many. */
  public int deleteExpiredEvents() {
    return events.deleteOlderThan(oldestKept());
  }

  private Instant oldestKept() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS).minus(retention);
  }
}
