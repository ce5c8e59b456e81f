package dev.harmont.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {
  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static RetryPolicy withRandom(double value) {
    return new RetryPolicy(3, () -> value, CLOCK);
  }

  @Test
  void backoffDoublesFromHalfASecondAndIsCappedAtEightSeconds() {
    RetryPolicy lowest = withRandom(0.0);
    RetryPolicy highest = withRandom(0.999_999);

    long[] steps = {500, 1000, 2000, 4000, 8000, 8000, 8000};
    for (int retry = 1; retry <= steps.length; retry++) {
      long step = steps[retry - 1];
      assertThat(lowest.backoff(retry))
          .as("retry %d", retry)
          .isEqualTo(Duration.ofMillis(step / 2));
      assertThat(highest.backoff(retry))
          .as("retry %d", retry)
          .isEqualTo(Duration.ofMillis(step - 1));
    }
    assertThat(lowest.backoff(1_000)).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void jitterSpreadsDelaysAcrossTheUpperHalfOfTheStep() {
    assertThat(withRandom(0.5).backoff(2)).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void retryAfterInSecondsIsTakenAsIs() {
    RetryPolicy policy = withRandom(0);

    assertThat(policy.parseRetryAfter("0")).contains(Duration.ZERO);
    assertThat(policy.parseRetryAfter("120")).contains(Duration.ofSeconds(120));
    assertThat(policy.parseRetryAfter(" 5 ")).contains(Duration.ofSeconds(5));
  }

  @Test
  void retryAfterAsAnHttpDateCountsFromNowAndAPastDateMeansNow() {
    RetryPolicy policy = withRandom(0);

    assertThat(policy.parseRetryAfter("Sun, 29 Nov 2026 10:00:42 GMT"))
        .contains(Duration.ofSeconds(42));
    assertThat(policy.parseRetryAfter("Sun, 29 Nov 2026 09:00:00 GMT")).contains(Duration.ZERO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "soon", "-1", "1.5", "99999999999", "2026-11-29T10:00:42Z"})
  void anUnreadableRetryAfterIsIgnored(String value) {
    assertThat(withRandom(0).parseRetryAfter(value)).isEmpty();
  }

  @Test
  void theServersRetryAfterWinsUnlessItAsksForMoreThanAMinute() {
    RetryPolicy policy = withRandom(0);

    assertThat(policy.delayBeforeRetry(1, Optional.of("60"))).contains(Duration.ofSeconds(60));
    assertThat(policy.delayBeforeRetry(1, Optional.of("61"))).isEmpty();
    assertThat(policy.delayBeforeRetry(2, Optional.empty())).contains(Duration.ofMillis(500));
    assertThat(policy.delayBeforeRetry(2, Optional.of("later"))).contains(Duration.ofMillis(500));
  }

  @Test
  void onlyRateLimitsAndGatewayStatusesAreRetryable() {
    for (int status = 100; status < 600; status++) {
      boolean expected = status == 429 || status == 502 || status == 503 || status == 504;
      assertThat(RetryPolicy.isRetryableStatus(status)).as("status %d", status).isEqualTo(expected);
    }
  }

  @Test
  void aNegativeRetryCountIsRefused() {
    assertThatThrownBy(() -> new RetryPolicy(-1, () -> 0, CLOCK))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
