package dev.harmont.server.edge;

import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request as the handlers see it, whatever carries it: the method and the path exactly as sent
 * (nothing upper-cased, nothing decoded), the headers, the body as a stream, and a small map for
 * what one step of the chain tells a later one (the request id, the body once read).
 */
public final class Request {
  private static final InputStream NO_BODY = InputStream.nullInputStream();

  private final ServerRequest routed; // null for a request the server refused before routing
  private final String method;
  private final String rawPath;
  private final Headers headers;
  private Map<Class<?>, Object> context;

  Request(ServerRequest routed) {
    this.routed = routed;
    this.method = MethodCase.asSent(routed.prologue().method().text());
    this.rawPath = routed.path().rawPath();
    this.headers = routed.headers();
  }

  /** A request refused before routing: what was parsed of it (method and path may be empty). */
  Request(DirectHandler.TransportRequest refused) {
    this.routed = null;
    this.method = refused.method(); // as parsed: a refused request line has no reliable token
    this.rawPath = refused.path();
    this.headers = refused.headers();
  }

  /** The method token as sent: {@code get} is not {@code GET}. */
  public String method() {
    return method;
  }

  /** The path as sent, percent-encoding and all ({@code %2F} is not a slash here). */
  public String rawPath() {
    return rawPath;
  }

  /** The query as sent, without the {@code ?}; empty when there is none. */
  public String rawQuery() {
    return routed == null ? "" : routed.query().rawValue();
  }

  /** Every value of the query parameter {@code name}, decoded, in the order sent; empty if none. */
  public List<String> queryValues(String name) {
    if (routed == null || !routed.query().contains(name)) {
      return List.of();
    }
    return routed.query().all(name);
  }

  /** The first value of the header {@code name} (any case). */
  public Optional<String> header(String name) {
    return headers.first(HeaderNames.create(name));
  }

  /** Each value of the header {@code name}, in the order sent; empty when it is absent. */
  public List<String> headerValues(String name) {
    HeaderName header = HeaderNames.create(name);
    return headers.contains(header) ? headers.get(header).allValues() : List.of();
  }

  public boolean hasHeader(String name) {
    return headers.contains(HeaderNames.create(name));
  }

  /** The declared {@code Content-Length}; -1 when none is declared. */
  public long contentLength() {
    return headers.contentLength().orElse(-1);
  }

  /** The header block's size as the limit counts it: each name and value, and 4 per line. */
  public long headerBytes() {
    long total = 0;
    for (Header header : headers) {
      total += header.name().length() + 4;
      if (header.valueCount() == 1) {
        total += header.get().length();
      } else {
        for (String value : header.allValues()) {
          total += value.length() + 1; // and the comma that joins it to the next
        }
      }
    }
    return total;
  }

  /** The value of the cookie {@code name}. */
  public Optional<String> cookie(String name) {
    return routed == null ? Optional.empty() : routed.headers().cookies().first(name).asOptional();
  }

  /** The TCP peer's address ({@code 203.0.113.7}). */
  public String peerAddress() {
    SocketAddress address = routed == null ? null : routed.remotePeer().address();
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }

  /** Whether the request says a body follows (a length above zero, or chunked). */
  public boolean hasBody() {
    return routed != null && routed.content().hasEntity();
  }

  /**
   * The body. Reading it is what asks a client that sent {@code Expect: 100-continue} for it; a
   * request answered without reading its body never gets a {@code 100 Continue}, and what is left
   * of an unread body is never parsed as a next request (HttpEdge drains it or ends the
   * connection).
   */
  public InputStream body() {
    if (!hasBody()) {
      return NO_BODY;
    }
    return new FilterInputStream(routed.content().inputStream()) {
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

  /** The server's own request, for the edge; null when refused before routing. */
  ServerRequest routed() {
    return routed;
  }
}
