package dev.harmont.server.edge;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;

/**
 * One request as the handlers see it, whatever carries it: the method and the path exactly as sent
 * (nothing upper-cased, nothing decoded), the headers, the body as a stream, and a small map for
 * what one part of the chain tells a later one (the request id, the body once read).
 */
public final class Request {
  private final org.eclipse.jetty.server.Request jetty;
  private final HttpFields headers;
  private Map<Class<?>, Object> context;
  private Map<String, List<String>> query;

  Request(org.eclipse.jetty.server.Request jetty) {
    this.jetty = jetty;
    this.headers = jetty.getHeaders();
  }

  /** The method token as sent: {@code get} is not {@code GET}. */
  public String method() {
    String method = jetty.getMethod();
    return method == null ? "" : method;
  }

  /** The path as sent, percent-encoding and all ({@code %2F} is not a slash here). */
  public String rawPath() {
    String path = jetty.getHttpURI() == null ? null : jetty.getHttpURI().getPath();
    return path == null ? "" : path;
  }

  /** The query as sent, without the {@code ?}; empty when there is none. */
  public String rawQuery() {
    String query = jetty.getHttpURI() == null ? null : jetty.getHttpURI().getQuery();
    return query == null ? "" : query;
  }

  /**
   * Every value of the query parameter {@code name}, decoded as a form ({@code +} is a space), in
   * the order sent; empty when it is absent. A value that is not valid percent-encoding is kept as
   * sent.
   */
  public List<String> queryValues(String name) {
    if (query == null) {
      query = new HashMap<>();
      for (String pair : rawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
        String value = decodeQuery(eq < 0 ? "" : pair.substring(eq + 1));
        query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      }
    }
    return query.getOrDefault(name, List.of());
  }

  private static String decodeQuery(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }

  /** The first value of the header {@code name} (any case). */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /** Each line of the header {@code name}, in the order sent (a value is not split at commas). */
  public List<String> headerValues(String name) {
    return headers.getValuesList(name);
  }

  public boolean hasHeader(String name) {
    return headers.contains(name);
  }

  /** Whether a line of the header {@code name} lists {@code token} (any case). */
  public boolean headerHasToken(String name, String token) {
    return headers.contains(name, token);
  }

  /** The declared {@code Content-Length}; -1 when none is declared. */
  public long contentLength() {
    return headers.getLongField(HttpHeader.CONTENT_LENGTH);
  }

  /** The header block's size as the limit counts it: each name and value, and 4 per line. */
  public long headerBytes() {
    long total = 0;
    for (HttpField field : headers) {
      total += field.getName().length() + 4;
      String value = field.getValue();
      total += value == null ? 0 : value.length();
    }
    return total;
  }

  /** The value of the cookie {@code name}. */
  public Optional<String> cookie(String name) {
    for (HttpCookie cookie : org.eclipse.jetty.server.Request.getCookies(jetty)) {
      if (cookie.getName().equals(name)) {
        return Optional.of(cookie.getValue());
      }
    }
    return Optional.empty();
  }

  /** The TCP peer's address ({@code 203.0.113.7}). */
  public String peerAddress() {
    SocketAddress address = jetty.getConnectionMetaData().getRemoteSocketAddress();
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }

  /** Whether the request says a body follows (a length above zero, or chunked). */
  public boolean hasBody() {
    return contentLength() > 0 || headers.contains(HttpHeader.TRANSFER_ENCODING);
  }

  /**
   * The body. Reading it is what asks a client that sent {@code Expect: 100-continue} for it; a
   * request answered without reading its body never gets a {@code 100 Continue}, and what is left
   * of an unread body is discarded (or the connection ended), never parsed as a next request.
   */
  public InputStream body() {
    return new FilterInputStream(Content.Source.asInputStream(jetty)) {
      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (IOException | RuntimeException e) {
          throw new BodyNotRead(e);
        }
      }

      @Override
      public int read(byte[] bytes, int offset, int length) throws IOException {
        try {
          return super.read(bytes, offset, length);
        } catch (IOException | RuntimeException e) {
          throw new BodyNotRead(e);
        }
      }
    };
  }

  /**
   * The body could not be read: cut short, malformed chunking, or the client went quiet. The
   * client's fault: answered 400 (if the client is still there to hear it).
   */
  public static final class BodyNotRead extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyNotRead(Throwable cause) {
      super("the request body could not be read: " + cause.getMessage(), cause);
    }
  }

  /** What an earlier step registered under {@code type}. */
  public <T> Optional<T> get(Class<T> type) {
    return context == null ? Optional.empty() : Optional.ofNullable(type.cast(context.get(type)));
  }

  /** Registers {@code value} under its class, for the steps after this one. */
  public void register(Object value) {
    if (context == null) {
      context = new HashMap<>(4);
    }
    context.put(value.getClass(), value);
  }
}
