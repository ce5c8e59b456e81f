package dev.harmont.cloud;

import java.util.UUID;

/**
 * One API call: its method, its path below the base URL, its JSON body (or null), and the {@code
 * Idempotency-Key} it carries (or null).
 *
 * <p>GET, PATCH and DELETE may be retried (sending them twice leaves the same state). A POST may be
 * retried only with an idempotency key, made once per call and sent unchanged on every attempt: the
 * server then carries it out once and answers a retry with the first answer, so a lost response
 * cannot make a second key or rotate twice. A POST without a key is never retried.
 */
record Call(String method, String path, byte[] body, String idempotencyKey) {
  static Call get(String path) {
    return new Call("GET", path, null, null);
  }

  static Call patch(String path, byte[] body) {
    return new Call("PATCH", path, body, null);
  }

  static Call delete(String path) {
    return new Call("DELETE", path, null, null);
  }

  /**
   * A POST made safe to retry: it carries a new random key (a version 4 UUID, from {@link
   * java.security.SecureRandom}), the same on every attempt of this call and on no other call.
   */
  static Call idempotentPost(String path, byte[] body) {
    return new Call("POST", path, body, UUID.randomUUID().toString());
  }

  boolean idempotent() {
    return !method.equals("POST") || idempotencyKey != null;
  }

  /** "GET /api/v0/user", for messages and logs; ids are not secrets, tokens never appear. */
  @Override
  public String toString() {
    return method + " " + path;
  }
}
