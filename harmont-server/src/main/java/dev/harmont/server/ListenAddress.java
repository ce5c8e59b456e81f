package dev.harmont.server;

/**
 * An interface and TCP port to listen on, written {@code HOST:PORT} ({@code 127.0.0.1:9464}, {@code
 * [::1]:9464}, {@code 0.0.0.0:9464}); port 0 takes any free one.
 */
public record ListenAddress(String host, int port) {
  public ListenAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("the host is missing");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("the port must be 0 to 65535");
    }
  }

  /**
   * Parses {@code HOST:PORT}; an IPv6 host goes in brackets.
   *
   * @throws IllegalArgumentException saying what is wrong and what is expected
   */
  public static ListenAddress parse(String text) {
    String value = text == null ? "" : text.strip();
    int colon = value.lastIndexOf(':');
    String expected =
        "expected HOST:PORT such as 127.0.0.1:9464 or [::1]:9464, got '" + value + "'";
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(expected);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":") || host.contains("[") || host.contains("]")) {
      throw new IllegalArgumentException(expected + " (an IPv6 address goes in brackets)");
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(expected);
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(expected + " (the port must be 0 to 65535)");
    }
    if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/')) {
      throw new IllegalArgumentException(expected);
    }
    return new ListenAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
