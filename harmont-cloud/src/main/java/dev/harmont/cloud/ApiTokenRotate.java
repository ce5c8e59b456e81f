package dev.harmont.cloud;

import java.time.Duration;
import java.time.Instant;

/**
 * How to rotate a key with {@link HarmontClient#rotateApiToken(String, ApiTokenRotate)} (the
 * server's {@code ApiTokenRotateRequest}). Every field is optional:
 *
 * <pre>{@code
 * ApiTokenRotate params =
 *     ApiTokenRotate.builder()
 *         .gracePeriod(Duration.ofMinutes(10)) // the old secret keeps working for 10 minutes
 *         .build();
 * }</pre>
 *
 * @param expiresAt the new expiry; {@code null} (with {@code neverExpires} false) keeps the key's
 *     lifetime: a key that expired {@code L} after its secret was made gets {@code now + L}, a key
 *     that never expired still never does
 * @param neverExpires true to make the rotated key never expire
 * @param gracePeriod how long the replaced secret keeps working, zero to one day in whole seconds;
 *     {@code null} or zero: it stops at once
 */
public record ApiTokenRotate(Instant expiresAt, boolean neverExpires, Duration gracePeriod) {
  /** The longest grace period the server accepts. */
  public static final Duration MAX_GRACE_PERIOD = Duration.ofDays(1);

  /**
   * Checks the combination.
   *
   * @throws IllegalArgumentException if both an expiry and {@code neverExpires} are given, or the
   *     grace period is negative, longer than a day or not whole seconds
   */
  public ApiTokenRotate {
    if (expiresAt != null && neverExpires) {
      throw new IllegalArgumentException(
          "Give either expiresAt or neverExpires, not both: a key cannot do both.");
    }
    if (gracePeriod != null
        && (gracePeriod.isNegative()
            || gracePeriod.compareTo(MAX_GRACE_PERIOD) > 0
            || gracePeriod.getNano() != 0)) {
      throw new IllegalArgumentException(
          "The grace period must be whole seconds from 0 to 86400 (one day); got " + gracePeriod);
    }
  }

  /**
   * Starts an empty set of parameters: same lifetime, the old secret stops at once.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link ApiTokenRotate}; not thread-safe, meant to be used once. */
  public static final class Builder {
    private Instant expiresAt;
    private boolean neverExpires;
    private Duration gracePeriod;

    private Builder() {}

    /**
     * Sets a new expiry.
     *
     * @param expiresAt a future instant
     * @return this builder
     */
    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    /**
     * Makes the rotated key never expire.
     *
     * @return this builder
     */
    public Builder neverExpires() {
      this.neverExpires = true;
      return this;
    }

    /**
     * Keeps the replaced secret working for a while, so that running deployments can switch over.
     *
     * @param gracePeriod zero to one day, whole seconds
     * @return this builder
     */
    public Builder gracePeriod(Duration gracePeriod) {
      this.gracePeriod = gracePeriod;
      return this;
    }

    /**
     * Returns the parameters.
     *
     * @return the immutable parameters
     * @throws IllegalArgumentException see {@link ApiTokenRotate#ApiTokenRotate}
     */
    public ApiTokenRotate build() {
      return new ApiTokenRotate(expiresAt, neverExpires, gracePeriod);
    }
  }
}
