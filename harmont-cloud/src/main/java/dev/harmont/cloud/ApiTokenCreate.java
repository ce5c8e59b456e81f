package dev.harmont.cloud;

import java.time.Instant;

/**
 * What to create with {@link HarmontClient#createApiToken(ApiTokenCreate)} (the contract's {@code
 * ApiTokenCreateRequest}). Both fields are optional; an absent field is left out of the request.
 *
 * <pre>{@code
 * ApiTokenCreate params =
 *     ApiTokenCreate.builder()
 *         .description("CI deploy key")
 *         .expiresAt(Instant.now().plus(Duration.ofDays(90)))
 *         .build();
 * }</pre>
 *
 * @param description the human label for the key, or {@code null} for none
 * @param expiresAt when the key stops working, or {@code null} for a key that never expires; it
 *     must be in the future, and is sent as an ISO-8601 UTC date-time
 */
public record ApiTokenCreate(String description, Instant expiresAt) {
  /**
   * Starts an empty set of parameters: a key without a description that never expires.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link ApiTokenCreate}; not thread-safe, meant to be used once. */
  public static final class Builder {
    private String description;
    private Instant expiresAt;

    private Builder() {}

    /**
     * Sets the human label shown when listing keys.
     *
     * @param description the label, or {@code null} for none
     * @return this builder
     */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /**
     * Sets when the key stops working.
     *
     * @param expiresAt a future instant, or {@code null} for a key that never expires
     * @return this builder
     */
    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    /**
     * Returns the parameters.
     *
     * @return the immutable parameters
     */
    public ApiTokenCreate build() {
      return new ApiTokenCreate(description, expiresAt);
    }
  }
}
