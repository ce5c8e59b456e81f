package dev.harmont.server.account;

import java.util.List;

/** One page of a security log, newest first; {@code next} is null on the last page. */
public record EventPage(List<SecurityEvent> events, EventCursor next) {
  public EventPage {
    events = List.copyOf(events);
  }
}
