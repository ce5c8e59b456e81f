package dev.harmont.server.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Whether the request being routed spelled its method exactly as the method's name. RFC 9110 §9.1:
 * methods are case-sensitive, so {@code get} is not {@code GET}. Helidon upper-cases the token
 * while parsing the request line ({@code Method.create}) and keeps no copy of what was sent, so
 * {@code get /api/v0/user} would be served as a GET.
 *
 * <p>This class sits between the socket and Helidon's HTTP/1.1 connection: it feeds Helidon's
 * parser from the socket itself, keeping references to the last chunks read (no copy; enough to
 * hold a whole request line), and a receive listener that runs right after each request line is
 * parsed finds the method's bytes at the end of what was consumed and compares them with the name
 * Helidon made of them. The answer is left in a thread-local for {@link Routes}: Helidon parses and
 * routes a connection's requests one at a time on that connection's thread. When the bytes cannot
 * be found (never expected; a request line is at most the prologue limit), the method is taken as
 * sent, i.e. Helidon's behaviour.
 *
 * <p>Sitting there, it also ends a connection whose request said {@code Connection: close} once the
 * answer is out (RFC 9112 §9.6): Helidon 4.5 answers such a request with {@code Connection: close}
 * and then waits for a next request on it until its idle timeout, so a client reading the answer to
 * the end of the stream hangs.
 */
final class MethodCase {
  private static final ThreadLocal<Boolean> SENT_AS_NAMED = new ThreadLocal<>();

  private MethodCase() {}

  /** False when the current request's method token differs from its name (e.g. {@code get}). */
  static boolean sentAsNamed() {
    return SENT_AS_NAMED.get() != Boolean.FALSE;
  }

  /**
   * Helidon's HTTP/1.1 connections with this check: the selector to add first to the listener, so
   * it wins over the default one.
   */
  static ServerConnectionSelector selector(Http1Config config) {
    // The only receive and send listeners, wrapping the configured ones: Helidon 4.5 combines
    // several listeners into one that forwards neither prologue nor headers to them.
    Http1Config checked =
        Http1Config.builder()
            .from(config)
            .receiveListeners(List.of(new Listener(config.compositeReceiveListener(), false)))
            .sendListeners(List.of(new Listener(config.compositeSendListener(), true)))
            .build();
    return new Selector(
        Http1ConnectionSelector.builder().config(checked).build(), config.maxPrologueLength());
  }

  /**
   * On the way in, records how the method was spelt and whether the request said {@code Connection:
   * close}; on the way out, that its final answer went; in both, does what the configured listener
   * does.
   */
  private record Listener(Http1ConnectionListener configured, boolean outgoing)
      implements Http1ConnectionListener {
    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
      configured.prologue(ctx, prologue);
      if (ctx instanceof Recording recording) {
        SENT_AS_NAMED.set(recording.methodSentAsNamed(prologue.method().text()));
      }
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
      configured.headers(ctx, headers);
      if (!outgoing && ctx instanceof Recording recording) {
        recording.closeRequested = headers.containsToken(HeaderValues.CONNECTION_CLOSE);
        recording.answered = false;
      }
    }

    @Override
    public void status(ConnectionContext ctx, Status status) {
      configured.status(ctx, status);
      if (ctx instanceof Recording recording && status.code() >= 200) {
        recording.answered = true; // not for 100 Continue: the body is still to be read
      }
    }

    @Override
    public void data(ConnectionContext ctx, BufferData data) {
      configured.data(ctx, data);
    }

    @Override
    public void data(ConnectionContext ctx, byte[] bytes, int offset, int length) {
      configured.data(ctx, bytes, offset, length);
    }
  }

  private record Selector(Http1ConnectionSelector delegate, int maxPrologueLength)
      implements ServerConnectionSelector {
    private static final String HTTP_1_0 = " HTTP/1.0\r";

    @Override
    public int bytesToIdentifyConnection() {
      return delegate.bytesToIdentifyConnection();
    }

    /**
     * Helidon's, and also an HTTP/1.0 request line: Helidon's HTTP/1.1 connection then parses it
     * and answers that only HTTP/1.1 is spoken (a 400 envelope, see Errors), where Helidon alone
     * would close the connection without a word.
     */
    @Override
    public Support supports(BufferData request) {
      int newline = request.indexOf((byte) '\n');
      if (newline > HTTP_1_0.length() && endsWith(request, newline, HTTP_1_0)) {
        return Support.SUPPORTED;
      }
      return delegate.supports(request);
    }

    /** Whether the bytes just before {@code end} are {@code suffix}, read without consuming. */
    private static boolean endsWith(BufferData data, int end, String suffix) {
      int start = end - suffix.length();
      for (int i = 0; i < suffix.length(); i++) {
        if (data.get(start + i) != suffix.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
      return delegate.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
      return delegate.connection(new Recording(ctx, maxPrologueLength));
    }
  }

  /**
   * The connection's context with a data reader of its own, over the same socket, that remembers
   * the last chunks it handed out.
   */
  private static final class Recording implements ConnectionContext, Supplier<byte[]> {
    private final ConnectionContext ctx;
    private final int keep;
    private final DataReader reader;
    private final ArrayDeque<byte[]> recent = new ArrayDeque<>();
    private byte[] leftover;
    private long retained;
    // The request being answered said `Connection: close`; its final answer has been written.
    // Both are set on the connection's own thread, by the listeners.
    private boolean closeRequested;
    private boolean answered;

    Recording(ConnectionContext ctx, int maxPrologueLength) {
      this.ctx = ctx;
      this.keep = maxPrologueLength + 2;
      DataReader original = ctx.dataReader();
      // What Helidon already read to pick the protocol comes first.
      int buffered = original.available();
      this.leftover = buffered > 0 ? original.readBytes(buffered) : null;
      this.reader = DataReader.create(this);
    }

    @Override
    public byte[] get() {
      if (closeRequested && answered) {
        // The next read would wait for a request the client said it would not send.
        throw new CloseConnectionException("the client asked to close the connection");
      }
      byte[] chunk;
      if (leftover != null) {
        chunk = leftover;
        leftover = null;
      } else {
        try {
          chunk = ctx.serverSocket().get();
        } catch (UncheckedIOException e) {
          // As Helidon's own reader does: the connection ends quietly.
          throw new ServerConnectionException("Failed to get data from socket", e);
        }
      }
      if (chunk != null && chunk.length > 0) {
        recent.addLast(chunk);
        retained += chunk.length;
        // Keep what can still hold the start of a request line ending in the newest chunk.
        while (recent.size() > 1 && retained - recent.peekFirst().length >= keep + chunk.length) {
          retained -= recent.removeFirst().length;
        }
      }
      return chunk;
    }

    /**
     * Compares the method token of the request line just consumed with {@code name}. The line ends
     * {@code available()} bytes before the end of the newest chunk, as {@code METHOD SP target SP
     * HTTP/1.1 CRLF}; the target has no spaces, so the token is found by walking back from the end.
     */
    boolean methodSentAsNamed(String name) {
      long end = -reader.available() - " HTTP/1.1\r\n".length(); // relative to the newest byte
      long at = end - 1;
      while (true) {
        int b = byteAt(at);
        if (b < 0) {
          return true; // not found: take it as sent
        }
        if (b == ' ') {
          break;
        }
        at--;
      }
      long start = at - name.length();
      for (int i = 0; i < name.length(); i++) {
        int b = byteAt(start + i);
        if (b < 0) {
          return true;
        }
        if (b != name.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    /** The byte at {@code offset} (negative, -1 being the newest byte read), or -1 if gone. */
    private int byteAt(long offset) {
      long fromEnd = -offset; // 1 for the newest byte
      byte[] newest = recent.peekLast();
      if (newest != null && fromEnd <= newest.length) {
        return newest[(int) (newest.length - fromEnd)] & 0xff; // the usual case, without a copy
      }
      Iterator<byte[]> chunks = recent.descendingIterator();
      while (chunks.hasNext()) {
        byte[] chunk = chunks.next();
        if (fromEnd <= chunk.length) {
          return chunk[(int) (chunk.length - fromEnd)] & 0xff;
        }
        fromEnd -= chunk.length;
      }
      return -1;
    }

    @Override
    public DataReader dataReader() {
      return reader;
    }

    @Override
    public ListenerContext listenerContext() {
      return ctx.listenerContext();
    }

    @Override
    public ExecutorService executor() {
      return ctx.executor();
    }

    @Override
    public DataWriter dataWriter() {
      return ctx.dataWriter();
    }

    @Override
    public Router router() {
      return ctx.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
      return ctx.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
      return ctx.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
      return ctx.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
      return ctx.localPeer();
    }

    @Override
    public boolean isSecure() {
      return ctx.isSecure();
    }

    @Override
    public String socketId() {
      return ctx.socketId();
    }

    @Override
    public String childSocketId() {
      return ctx.childSocketId();
    }
  }
}
