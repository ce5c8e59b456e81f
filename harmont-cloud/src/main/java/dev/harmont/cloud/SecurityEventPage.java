package dev.harmont.cloud;

import java.util.List;
import java.util.Optional;

/**
 * One page of the security log, newest first.
 *
 * @param events the events of this page
 * @param next the cursor of the next (older) page, or {@code null} on the last page; pass it to
 *     {@link EventListParams.Builder#before(String)}
 */
public record SecurityEventPage(List<SecurityEvent> events, String next) {
  /** Copies the list. */
  public SecurityEventPage {
    events = List.copyOf(events);
  }

  /**
   * The parameters of the next page, with the same page size.
   *
   * @param current the parameters this page was fetched with
   * @return empty on the last page
   */
  public Optional<EventListParams> nextPage(EventListParams current) {
    return next == null
        ? Optional.empty()
        : Optional.of(new EventListParams(current.limit(), next));
  }
}
