package dev.harmont.server.edge;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.DirectTransportRequest;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The one place where Helidon 4.5's HTTP/1.x edge is made to speak HTTP as proxies and clients do
 * (issue 25; why Helidon stays and what would delete this class: bench/RESULTS.md). It sits between
 * the socket and Helidon's HTTP/1.1 connection, feeding Helidon's parser from the socket itself and
 * writing its answers, and fixes, each at the byte level where Helidon gives no hook:
 *
 * <ul>
 *   <li><b>Method case</b> (RFC 9110 §9.1: {@code get} is not {@code GET}). Helidon upper-cases the
 *       token while parsing the request line and keeps no copy of what was sent. The reader keeps
 *       references to the last chunks read (no copy; enough to hold a whole request line), and a
 *       receive listener that runs right after each request line is parsed finds the method's bytes
 *       at the end of what was consumed and keeps them as the method's spelling when they differ
 *       from the name Helidon made of them. It is left in a thread-local for {@link Request}:
 *       Helidon parses and routes a connection's requests one at a time on that connection's
 *       thread. When the bytes cannot be found (never expected; a request line is at most the
 *       prologue limit), the method is taken as named.
 *   <li><b>HTTP/1.0</b> (RFC 9112 §2.5, §9.3; nginx's default {@code proxy_pass}, HAProxy's default
 *       {@code option httpchk}). Helidon refuses it. The request line is read as HTTP/1.1 (the
 *       version's last byte changed in the copy Helidon parses), the request is marked {@code
 *       Connection: close} and the connection ends after the answer: an HTTP/1.1 status line with
 *       {@code Connection: close} and a {@code Content-Length} is what RFC 9110 §6.2 lets a server
 *       answer a 1.0 client. Helidon's check that a request has one Host is off for that reason
 *       (HTTP/1.0 needs none) and done here for HTTP/1.1 requests instead (RFC 9112 §3.2).
 *   <li><b>{@code Connection: close}</b> (RFC 9112 §9.6). Helidon 4.5 answers such a request with
 *       {@code Connection: close} and then waits for a next request until its idle timeout, so a
 *       client reading to the end of the stream hangs: the connection ends once the answer is out.
 *   <li><b>HEAD</b> (RFC 9110 §9.3.2). Routing (http/Routes) serves it as GET; the writer sends the
 *       answer's status line and headers (with the GET's {@code Content-Length}) and drops its
 *       body.
 *   <li><b>Oversized headers</b> (RFC 6585 §5). Past its parser's limit Helidon refuses a request
 *       with a bare 400 and does not tell its direct handler why: {@link #headerBytesRead()} lets
 *       {@link HttpEdge} answer 431 there.
 * </ul>
 */
final class MethodCase {
  // The method of the request line parsed last on this thread: as Helidon named it, as sent.
  private static final ThreadLocal<Spelling> SENT = new ThreadLocal<>();
  // The connection whose request line was parsed last on this thread, for headerBytesRead().
  private static final ThreadLocal<Recording> PARSING = new ThreadLocal<>();

  private MethodCase() {}

  private record Spelling(String name, String sent) {}

  /** The current request's method token as sent ({@code get}), given the name Helidon made. */
  static String asSent(String name) {
    Spelling spelling = SENT.get();
    return spelling != null && spelling.name().equals(name) ? spelling.sent() : name;
  }

  /**
   * For Helidon's direct answers, which are not told why a request was refused: how many bytes past
   * its request line this thread's connection had read while the request's headers were being
   * parsed, or -1 when it was not parsing headers (a refused request line, or none).
   */
  static long headerBytesRead() {
    Recording recording = PARSING.get();
    return recording == null || recording.headersFrom < 0
        ? -1
        : recording.handedOut - recording.headersFrom;
  }

  /**
   * Helidon's HTTP/1.1 connections with these fixes: the selector to add first to the listener, so
   * it wins over the default one. {@code config} must not validate the Host header itself (this
   * does, for HTTP/1.1 requests).
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
      if (!outgoing && ctx instanceof Recording recording) {
        String name = prologue.method().text();
        String sent = recording.methodAsSent(name);
        SENT.set(new Spelling(name, sent));
        recording.prologue = prologue;
        recording.head = sent.equals("HEAD");
        recording.headersWritten = false;
        recording.headersFrom = recording.handedOut - recording.reader.available();
        PARSING.set(recording);
      }
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
      configured.headers(ctx, headers);
      if (!outgoing && ctx instanceof Recording recording) {
        if (recording.http10) {
          // Helidon's answer then says `Connection: close`, and the connection ends after it.
          if (headers instanceof WritableHeaders<?> writable) {
            writable.set(HeaderValues.CONNECTION_CLOSE);
          }
        } else {
          requireOneHost(recording.prologue, headers);
        }
        recording.closeRequested = headers.containsToken(HeaderValues.CONNECTION_CLOSE);
        recording.answered = false;
        recording.headersFrom = -1; // parsed
      }
    }

    /** RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host, not empty; else 400. */
    private static void requireOneHost(HttpPrologue prologue, Headers headers) {
      var hosts = headers.all(HeaderNames.HOST, List::of);
      if (hosts.size() != 1 || hosts.getFirst().isBlank()) {
        throw RequestException.builder()
            .type(DirectHandler.EventType.BAD_REQUEST)
            .status(Status.BAD_REQUEST_400)
            .request(DirectTransportRequest.create(prologue, headers))
            .setKeepAlive(false)
            .message("An HTTP/1.1 request names exactly one Host.")
            .build();
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
     * Helidon's, and also an HTTP/1.0 request line, which the connection then reads as HTTP/1.1
     * (see the class comment), where Helidon alone would close the connection without a word.
     */
    @Override
    public Support supports(BufferData request) {
      int newline = request.indexOf((byte) '\n');
      if (newline > HTTP_1_0.length() && endsWith(request, newline, HTTP_1_0)) {
        return Support.SUPPORTED;
      }
      // Anything else that is not HTTP/1.1 either: the parser answers it 400 in our envelope,
      // where Helidon alone would close the connection without a word (the only protocol here).
      Support support = delegate.supports(request);
      return support == Support.UNSUPPORTED ? Support.SUPPORTED : support;
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
      Recording recording = new Recording(ctx, maxPrologueLength);
      ServerConnection connection = delegate.connection(recording);
      if (connection instanceof InterruptableTask<?> task) {
        recording.connection = task;
      }
      return connection;
    }
  }

  /**
   * The connection's context with a data reader of its own, over the same socket, that remembers
   * the last chunks it handed out and reads an HTTP/1.0 request line as HTTP/1.1, and a data writer
   * that leaves out the body of an answer to HEAD.
   */
  private static final class Recording implements ConnectionContext, Supplier<byte[]> {
    private static final byte[] HTTP_1_0_END = " HTTP/1.0".getBytes(StandardCharsets.US_ASCII);

    private final ConnectionContext ctx;
    private final int keep;
    private final DataReader reader;
    private final DataWriter writer;
    // Helidon's connection: whether it is reading a request line (its canInterrupt()).
    private InterruptableTask<?> connection;
    // The request being answered: its request line, whether it was HTTP/1.0, whether it is a HEAD
    // and the header block of its answer has been written. Set on the connection's own thread.
    private HttpPrologue prologue;
    private boolean http10;
    private boolean head;
    private boolean headersWritten;
    // Bytes handed to Helidon's reader so far; where the request being parsed has its headers
    // (-1 outside header parsing).
    private long handedOut;
    private long headersFrom = -1;
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
      this.reader = new VersionReader();
      this.writer = new HeadWriter(ctx.dataWriter());
    }

    /** Helidon's reader, except that a request line ending in HTTP/1.0 reads as HTTP/1.1. */
    private final class VersionReader extends DataReader {
      // Helidon's subclassable constructor is deprecated for removal (4.4): this class goes with
      // the move off Helidon (bench/RESULTS.md, issue 25).
      @SuppressWarnings("removal")
      VersionReader() {
        super(Recording.this);
      }

      @Override
      public byte[] readBytes(int len) {
        byte[] bytes = super.readBytes(len);
        // Helidon reads a request line with one readBytes, while canInterrupt() is true.
        if (connection != null && connection.canInterrupt()) {
          http10 =
              Arrays.equals(
                  bytes, len - HTTP_1_0_END.length, len, HTTP_1_0_END, 0, HTTP_1_0_END.length);
          if (http10) {
            bytes[len - 1] = '1';
          }
        }
        return bytes;
      }
    }

    /** Writes what Helidon writes, except the body of an answer to HEAD. */
    private final class HeadWriter implements DataWriter {
      private static final byte[] END_OF_HEADERS = {'\r', '\n', '\r', '\n'};
      private final DataWriter socket;

      HeadWriter(DataWriter socket) {
        this.socket = socket;
      }

      @Override
      public void write(BufferData... buffers) {
        if (!head) {
          socket.write(buffers);
          return;
        }
        for (BufferData buffer : buffers) {
          write(buffer);
        }
      }

      @Override
      public void write(BufferData buffer) {
        BufferData kept = head ? withoutBody(buffer) : buffer;
        if (kept != null) {
          socket.write(kept);
        }
      }

      @Override
      public void writeNow(BufferData... buffers) {
        if (!head) {
          socket.writeNow(buffers);
          return;
        }
        for (BufferData buffer : buffers) {
          writeNow(buffer);
        }
      }

      @Override
      public void writeNow(BufferData buffer) {
        BufferData kept = head ? withoutBody(buffer) : buffer;
        if (kept != null) {
          socket.writeNow(kept);
        }
      }

      /** The status line and headers in {@code buffer}, or null when it is all body. */
      private BufferData withoutBody(BufferData buffer) {
        if (headersWritten) {
          return null;
        }
        byte[] bytes = buffer.readBytes();
        int end = indexOf(bytes, END_OF_HEADERS);
        if (end < 0) {
          return BufferData.create(bytes); // a part of the header block
        }
        headersWritten = true;
        return BufferData.create(bytes, 0, end + END_OF_HEADERS.length);
      }

      @Override
      public void close() {
        socket.close();
      }
    }

    private static int indexOf(byte[] bytes, byte[] part) {
      outer:
      for (int i = 0; i + part.length <= bytes.length; i++) {
        for (int j = 0; j < part.length; j++) {
          if (bytes[i + j] != part[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
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
        handedOut += chunk.length;
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
     * The method token of the request line just consumed, as sent; {@code name} when it was sent so
     * (no copy) or cannot be found. The line ends {@code available()} bytes before the end of the
     * newest chunk, as {@code METHOD SP target SP HTTP/1.1 CRLF}; the target has no spaces, so the
     * token is found by walking back from the end.
     */
    String methodAsSent(String name) {
      // relative to the newest byte; " HTTP/1.0" is as long
      long end = -reader.available() - " HTTP/1.1\r\n".length();
      long at = end - 1;
      while (true) {
        int b = byteAt(at);
        if (b < 0) {
          return name; // not found: take it as named
        }
        if (b == ' ') {
          break;
        }
        at--;
      }
      long start = at - name.length();
      char[] sent = null;
      for (int i = 0; i < name.length(); i++) {
        int b = byteAt(start + i);
        if (b < 0) {
          return name;
        }
        if (b != name.charAt(i)) {
          if (sent == null) {
            sent = name.toCharArray();
          }
          sent[i] = (char) b;
        }
      }
      return sent == null ? name : new String(sent);
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
      return writer;
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
