package dev.harmont.cloud;

/**
 * Which page of the security log {@link HarmontClient#listEvents(EventListParams)} fetches.
 *
 * @param limit events per page, 1 to 200, or {@code null} for the server's default (50)
 * @param before the {@link SecurityEventPage#next()} cursor of the previous page, or {@code null}
 *     for the newest events
 */
public record EventListParams(Integer limit, String before) {
  /** The most events the server returns in one page. */
  public static final int MAX_LIMIT = 200;

  /**
   * Checks the limit.
   *
   * @throws IllegalArgumentException if the limit is outside 1 to 200 or the cursor is blank
   */
  public EventListParams {
    if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
      throw new IllegalArgumentException("limit must be 1 to 200, got " + limit);
    }
    if (before != null && before.isBlank()) {
      throw new IllegalArgumentException(
          "before must be a SecurityEventPage.next() value, or null for the newest events");
    }
  }

  /**
   * Starts the parameters of the first page with the server's default size.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link EventListParams}; not thread-safe, meant to be used once. */
  public static final class Builder {
    private Integer limit;
    private String before;

    private Builder() {}

    /**
     * Sets the page size.
     *
     * @param limit 1 to 200
     * @return this builder
     */
    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    /**
     * Continues after a previous page.
     *
     * @param before that page's {@link SecurityEventPage#next()}
     * @return this builder
     */
    public Builder before(String before) {
      this.before = before;
      return this;
    }

    /**
     * Returns the parameters.
     *
     * @return the immutable parameters
     * @throws IllegalArgumentException see {@link EventListParams#EventListParams}
     */
    public EventListParams build() {
      return new EventListParams(limit, before);
    }
  }
}
