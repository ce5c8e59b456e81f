package dev.harmont.server.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** The real store, counting its lookups by hash: proves when the database is not asked. */
final class CountingTokenStore implements TokenStore {
  final AtomicInteger lookups = new AtomicInteger();
  private final TokenStore real;

  CountingTokenStore(TokenStore real) {
    this.real = real;
  }

  @Override
  public Optional<Authenticated> findByHash(String secretHash) {
    lookups.incrementAndGet();
    return real.findByHash(secretHash);
  }

  @Override
  public boolean insert(ApiToken token, String hash, int max, SecurityEvent event) {
    return real.insert(token, hash, max, event);
  }

  @Override
  public List<ApiToken> listPersonal(UUID userId) {
    return real.listPersonal(userId);
  }

  @Override
  public Optional<KeyState> findPersonal(UUID userId, UUID tokenId) {
    return real.findPersonal(userId, tokenId);
  }

  @Override
  public boolean rotate(Rotation rotation, SecurityEvent event) {
    return real.rotate(rotation, event);
  }

  @Override
  public boolean deletePersonal(UUID userId, UUID tokenId, SecurityEvent event) {
    return real.deletePersonal(userId, tokenId, event);
  }

  @Override
  public boolean delete(UUID tokenId, SecurityEvent event) {
    return real.delete(tokenId, event);
  }

  @Override
  public void touch(UUID tokenId, Instant now, Instant notAfter) {
    real.touch(tokenId, now, notAfter);
  }
}
