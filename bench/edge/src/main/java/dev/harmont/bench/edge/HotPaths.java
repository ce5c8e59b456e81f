package dev.harmont.bench.edge;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every spike serves, independent of the HTTP library: the bearer's SHA-256 looked up in an
 * in-memory auth cache (as the server's AuthCache does on a hit), the same answer bytes as the
 * server's GET /api/v0/user, a verify answer, and a created key. Arguments: PORT TOKEN USER_JSON_FILE.
 */
final class HotPaths {
  static final String JSON = "application/json; charset=utf-8";
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
  private final Map<String, String> userIds = new ConcurrentHashMap<>();

  HotPaths(String token, Path userJson) throws Exception {
    byte[] body = Files.readAllBytes(userJson);
    cache.put(sha256(token), body);
    String text = new String(body, StandardCharsets.UTF_8);
    int id = text.indexOf("\"id\":\"");
    userIds.put(sha256(token), id < 0 ? "?" : text.substring(id + 6, text.indexOf('"', id + 6)));
  }

  /** The cached answer for an {@code Authorization} value, or null (401). */
  byte[] user(String authorization) {
    String token = bearer(authorization);
    return token == null ? null : cache.get(sha256(token));
  }

  /** The user id for a verify answer, or null (401). */
  String verify(String authorization) {
    String token = bearer(authorization);
    return token == null ? null : userIds.get(sha256(token));
  }

  /** A created key's answer (no database: the spikes compare the edge, not storage). */
  byte[] createKey(String authorization, byte[] requestBody) {
    if (user(authorization) == null) {
      return null;
    }
    byte[] secret = new byte[24];
    ThreadLocalRandom.current().nextBytes(secret);
    return ("{\"token\":\"hm_" + HexFormat.of().formatHex(secret) + "\",\"request_bytes\":"
            + requestBody.length + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static String requestId() {
    return "req_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  static final byte[] UNAUTHORIZED =
      "{\"error\":{\"type\":\"authentication_error\",\"code\":\"unauthorized\"}}"
          .getBytes(StandardCharsets.UTF_8);
  static final byte[] NOT_FOUND =
      "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"route_not_found\"}}"
          .getBytes(StandardCharsets.UTF_8);
  static final byte[] UNSUPPORTED =
      "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"unsupported_media_type\"}}"
          .getBytes(StandardCharsets.UTF_8);
  static final byte[] NOT_ALLOWED =
      "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"method_not_allowed\"}}"
          .getBytes(StandardCharsets.UTF_8);

  private static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return authorization.substring(7).strip();
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
