package dev.harmont.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP forwarder between the server and its database, so a test can take the database away and
 * give it back without touching the database itself (other test runs share it). {@link #cut()}
 * resets every live connection and every new one, which is what clients see when PostgreSQL stops;
 * {@link #blackhole()} keeps connections open but drops every byte, which is what they see when the
 * network between them fails; {@link #restore()} forwards again. The listening port stays the same
 * throughout, so the server under test keeps its URL. Between a client and the server under test,
 * {@link #dropNextAnswer()} loses one answer on the way back, after its request was carried out.
 */
public final class TcpProxy implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MS = 2000;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Set<Socket> live = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private boolean cut;
  private volatile boolean blackhole;
  private final AtomicBoolean dropNextAnswer = new AtomicBoolean();

  private TcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("tcp-proxy-accept-" + port()).start(this::acceptLoop);
  }

  /** A proxy on a free loopback port forwarding to {@code host:port}. */
  public static TcpProxy to(String host, int port) {
    try {
      return new TcpProxy(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The local port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Resets every open connection, and every new one until {@link #restore()}. */
  public void cut() {
    synchronized (lock) {
      cut = true;
      for (Socket socket : live) {
        reset(socket);
      }
      live.clear();
    }
  }

  /**
   * Drops every byte in both directions from now on, and accepts new connections without ever
   * answering them; nothing is closed.
   */
  public void blackhole() {
    blackhole = true;
  }

  /**
   * Loses the next answer: the first bytes the target sends back on any connection from now on are
   * not forwarded, and that connection is reset on both sides instead. The request they answer was
   * forwarded whole and carried out (the target answered it); the client sees its connection reset
   * without an answer. One answer only: later ones pass.
   */
  public void dropNextAnswer() {
    dropNextAnswer.set(true);
  }

  /**
   * Forwards new connections again. Connections that lived through a blackhole lost bytes, so they
   * are reset, as TCP would eventually do after a long partition.
   */
  public void restore() {
    synchronized (lock) {
      if (blackhole) {
        cut(); // before forwarding again, so no byte of a broken stream gets through
        blackhole = false;
      }
      cut = false;
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
    cut();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread.ofVirtual().name("tcp-proxy-conn").start(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    if (!register(client) || blackhole) {
      return; // reset, or left unanswered until restore() or close()
    }
    Socket upstream = new Socket();
    try {
      upstream.connect(target, CONNECT_TIMEOUT_MS);
    } catch (IOException e) {
      reset(client);
      live.remove(client);
      return;
    }
    if (!register(upstream)) {
      reset(client);
      return;
    }
    Thread.ofVirtual().name("tcp-proxy-up").start(() -> pump(client, upstream, false));
    pump(upstream, client, true);
  }

  /** Tracks a socket so {@link #cut()} can reset it; resets it at once when cut already. */
  private boolean register(Socket socket) {
    synchronized (lock) {
      if (!cut && !listener.isClosed()) {
        live.add(socket);
        return true;
      }
    }
    reset(socket);
    return false;
  }

  /**
   * Copies {@code from} to {@code to} until either ends; {@code answers} when {@code from} is the
   * target.
   */
  private void pump(Socket from, Socket to, boolean answers) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (answers && n > 0 && dropNextAnswer.compareAndSet(true, false)) {
          live.remove(from);
          live.remove(to);
          reset(to);
          reset(from);
          return;
        }
        if (!blackhole) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // The other side went away or the proxy was cut: close both below.
    }
    live.remove(from);
    live.remove(to);
    closeQuietly(from);
    closeQuietly(to);
  }

  /**
   * Closes with RST rather than FIN, like a peer that is gone rather than one that said goodbye.
   */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException ignored) {
      // Already closed.
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing to do.
    }
  }
}
