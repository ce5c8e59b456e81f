package dev.harmont.cloud;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encodes a value into one URL path segment. Only letters, digits, {@code -}, {@code _} and
 * {@code ~} stay as they are; everything else, {@code /} and {@code .} included, is encoded. So an
 * id such as {@code a/b}, {@code ..} or {@code ../x} stays inside its segment and can never point
 * the request at another endpoint (a {@code DELETE} on {@code api-tokens/..} must not become a
 * {@code DELETE} on the user).
 */
final class PathSegments {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PathSegments() {}

  static String encode(String value) {
    StringBuilder out = new StringBuilder(value.length() * 3);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '~';
      if (unreserved) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
