package dev.harmont.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests the JDK client refuses to send: raw paths ({@code
 * ..%2F}), header values with any bytes, any {@code Content-Type}. One request per connection
 * ({@code Connection: close}); a server that does not answer within the timeout fails the test as a
 * hang.
 */
public final class RawHttp {
  private final URI base;
  private final Duration timeout;

  public RawHttp(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
  }

  /** A request to send: header values are written as raw bytes (UTF-8 of the string). */
  public record Request(
      String method, String rawPath, Map<String, List<byte[]>> headers, byte[] body) {

    public static Request of(String method, String rawPath) {
      return new Request(method, rawPath, new LinkedHashMap<>(), null);
    }

    public Request header(String name, String value) {
      return header(name, value.getBytes(StandardCharsets.UTF_8));
    }

    public Request header(String name, byte[] value) {
      Map<String, List<byte[]>> copy = new LinkedHashMap<>(headers);
      copy.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      return new Request(method, rawPath, copy, body);
    }

    public Request body(byte[] newBody) {
      return new Request(method, rawPath, headers, newBody);
    }

    @Override
    public String toString() {
      return method
          + " "
          + rawPath
          + " headers="
          + headers.keySet()
          + " body="
          + (body == null ? "none" : body.length + " bytes");
    }
  }

  /** Sends the request and reads the whole answer; a timeout or a silent close is an error. */
  public Api.Response send(Request request) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      try {
        out.write(encode(request));
        out.flush();
      } catch (IOException e) {
        // The server may answer (and close) before reading a body it refuses; read that answer.
      }
      byte[] raw;
      try {
        raw = readAnswer(socket.getInputStream());
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer within " + timeout + " (a hang): " + request, e);
      }
      if (raw.length == 0) {
        throw new AssertionError("connection closed without an answer: " + request);
      }
      return parse(raw);
    } catch (IOException e) {
      throw new UncheckedIOException("request failed: " + request, e);
    }
  }

  private byte[] encode(Request request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // UTF-8, not ASCII: a raw non-ASCII path is one of the hostile inputs.
    out.writeBytes(
        (request.method() + " " + request.rawPath() + " HTTP/1.1\r\n")
            .getBytes(StandardCharsets.UTF_8));
    ascii(out, "Host: " + base.getHost() + ":" + base.getPort() + "\r\n");
    ascii(out, "Connection: close\r\n");
    request
        .headers()
        .forEach(
            (name, values) -> {
              for (byte[] value : values) {
                out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
                ascii(out, ": ");
                out.writeBytes(value);
                ascii(out, "\r\n");
              }
            });
    if (request.body() != null) {
      ascii(out, "Content-Length: " + request.body().length + "\r\n");
    }
    ascii(out, "\r\n");
    if (request.body() != null) {
      out.writeBytes(request.body());
    }
    return out.toByteArray();
  }

  /** The UTF-8 bytes of {@code value} without CR and LF, which would end the header early. */
  public static byte[] headerSafe(String value) {
    return headerSafe(value.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code value} without CR and LF bytes, which would end the header early. */
  public static byte[] headerSafe(byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : value) {
      if (b != '\r' && b != '\n') {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  /** Percent-encodes every byte of the UTF-8 form except RFC 3986 unreserved characters. */
  public static String percentEncode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~';
      out.append(unreserved ? String.valueOf(c) : String.format("%%%02X", (int) c));
    }
    return out.toString();
  }

  private static void ascii(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Reads one answer, by its framing (Content-Length, chunked, or until the close). The server need
   * not close after answering, so waiting for the end of the stream alone would look like a hang.
   */
  private static byte[] readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] separator = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        byte[] sofar = out.toByteArray();
        int end = indexOf(sofar, separator);
        while (end >= 0 && sofar[9] == '1') {
          // An interim answer (100 Continue): drop it, the final one follows.
          sofar = java.util.Arrays.copyOfRange(sofar, end + 4, sofar.length);
          out.reset();
          out.writeBytes(sofar);
          end = indexOf(sofar, separator);
        }
        if (end >= 0 && complete(sofar, end)) {
          break;
        }
      }
    } catch (java.net.SocketException e) {
      // A reset after the answer was written (the server closed with our body unread).
      if (out.size() == 0) {
        throw e;
      }
    }
    return out.toByteArray();
  }

  private static boolean complete(byte[] sofar, int headerEnd) {
    String head = new String(sofar, 0, headerEnd, StandardCharsets.ISO_8859_1);
    int bodyLength = sofar.length - headerEnd - 4;
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        return bodyLength >= Integer.parseInt(line.substring(15).strip());
      }
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        byte[] last = "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = java.util.Arrays.copyOfRange(sofar, headerEnd + 2, sofar.length);
        return indexOf(body, last) >= 0;
      }
    }
    // 204 and 304 have no body; anything else without framing ends at the close.
    int status = Integer.parseInt(head.split(" ", 3)[1]);
    return status == 204 || status == 304;
  }

  private static Api.Response parse(byte[] raw) {
    int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    if (end < 0) {
      throw new AssertionError(
          "incomplete HTTP answer: " + new String(raw, StandardCharsets.ISO_8859_1));
    }
    String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ", 3)[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(lines[i].substring(0, colon).strip(), n -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).strip());
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    boolean chunked =
        headers.entrySet().stream()
            .anyMatch(
                e ->
                    e.getKey().equalsIgnoreCase("Transfer-Encoding")
                        && e.getValue().get(0).toLowerCase(Locale.ROOT).contains("chunked"));
    if (chunked) {
      body = dechunk(body);
    }
    return new Api.Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (true) {
      int lineEnd =
          indexOf(java.util.Arrays.copyOfRange(body, at, body.length), new byte[] {13, 10});
      String size =
          new String(body, at, lineEnd, StandardCharsets.ISO_8859_1).split(";")[0].strip();
      int length = Integer.parseInt(size, 16);
      at += lineEnd + 2;
      if (length == 0) {
        return out.toByteArray();
      }
      out.write(body, at, length);
      at += length + 2;
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
