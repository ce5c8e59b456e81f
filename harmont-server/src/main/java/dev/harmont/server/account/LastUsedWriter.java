package dev.harmont.server.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Writes {@code last_used_at} off the request path, at most once per {@link
 * Authenticator#LAST_USED_INTERVAL} per key on this node; the conditional UPDATE keeps it at most
 * once per interval across nodes too. A failed write is logged and dropped: it never fails a
 * request.
 */
final class LastUsedWriter {
  private static final System.Logger LOG = System.getLogger(LastUsedWriter.class.getName());

  private final TokenStore tokens;
  private final Executor executor;
  private final Cache<UUID, Instant> recentlyWritten;

  LastUsedWriter(TokenStore tokens, Executor executor, Clock clock) {
    this.tokens = tokens;
    this.executor = executor;
    this.recentlyWritten =
        Caffeine.newBuilder()
            .maximumSize(1_000_000)
            .expireAfterWrite(Authenticator.LAST_USED_INTERVAL.toNanos(), TimeUnit.NANOSECONDS)
            .ticker(ClockTicker.of(clock))
            .build();
  }

  /** Records a use of {@code token} at {@code now} if its last recorded use is old enough. */
  void used(ApiToken token, Instant now) {
    Instant notAfter = now.minus(Authenticator.LAST_USED_INTERVAL);
    if (token.lastUsedAt() != null && token.lastUsedAt().isAfter(notAfter)) {
      return;
    }
    if (recentlyWritten.asMap().putIfAbsent(token.id(), now) != null) {
      return;
    }
    try {
      executor.execute(
          () -> {
            try {
              tokens.touch(token.id(), now, notAfter);
            } catch (RuntimeException e) {
              recentlyWritten.invalidate(token.id());
              LOG.log(Level.WARNING, "could not record last use of key " + token.id(), e);
            }
          });
    } catch (RejectedExecutionException e) {
      recentlyWritten.invalidate(token.id());
    }
  }
}
