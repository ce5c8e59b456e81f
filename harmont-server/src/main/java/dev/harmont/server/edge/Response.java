package dev.harmont.server.edge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one answer to a request: a status, headers, and a whole body sent at once (every answer here
 * is a few hundred kilobytes at most). What must happen as the answer leaves (counting it, the
 * access-log line, keeping an idempotent answer) registers with {@link #beforeSend} or {@link
 * #intercept}.
 */
public final class Response {
  private static final byte[] EMPTY = new byte[0];

  /** Where a finished answer goes: the server's response, or a refusal being built. */
  @FunctionalInterface
  interface Sink {
    void send(int status, List<String> headers, byte[] body);
  }

  private final Sink sink;
  // Names and values, alternating; a name once, in the case first set.
  private final List<String> headers = new ArrayList<>(16);
  private int status = 200;
  private boolean sent;
  private List<Runnable> beforeSend;
  private Consumer<byte[]> interceptor;

  Response(Sink sink) {
    this.sink = sink;
  }

  public Response status(int status) {
    this.status = status;
    return this;
  }

  public int status() {
    return status;
  }

  /** Sets the header {@code name} to {@code value}, replacing what it had. */
  public Response header(String name, String value) {
    int at = indexOf(name);
    if (at < 0) {
      headers.add(name);
      headers.add(value);
    } else {
      headers.set(at + 1, value);
    }
    return this;
  }

  /** The header's value as set so far. */
  public Optional<String> header(String name) {
    int at = indexOf(name);
    return at < 0 ? Optional.empty() : Optional.of(headers.get(at + 1));
  }

  private int indexOf(String name) {
    for (int i = 0; i < headers.size(); i += 2) {
      if (headers.get(i).equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Forgets the status and every header set so far but {@code Connection} (about the connection
   * rather than the answer): for an error answered instead.
   */
  public void reset() {
    if (sent) {
      throw new IllegalStateException("the answer has been sent");
    }
    Optional<String> connection = header("Connection");
    status = 200;
    headers.clear();
    connection.ifPresent(value -> header("Connection", value));
  }

  /** Runs {@code hook} just before the answer leaves (after the status and headers are final). */
  public void beforeSend(Runnable hook) {
    if (beforeSend == null) {
      beforeSend = new ArrayList<>(2);
    }
    beforeSend.add(hook);
  }

  /**
   * Hands the body to {@code interceptor} as the answer leaves, after the {@link #beforeSend} hooks
   * (null: none). One at a time: for a step that keeps the answer of the handler it runs.
   */
  public void intercept(Consumer<byte[]> interceptor) {
    this.interceptor = interceptor;
  }

  public boolean isSent() {
    return sent;
  }

  public void send() {
    send(EMPTY);
  }

  public void send(String text) {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends the answer with {@code body}; once (a second answer is a bug). */
  public void send(byte[] body) {
    if (sent) {
      throw new IllegalStateException("the answer has been sent");
    }
    if (beforeSend != null) {
      for (Runnable hook : beforeSend) {
        hook.run();
      }
    }
    if (interceptor != null) {
      interceptor.accept(body);
    }
    sent = true;
    sink.send(status, headers, body);
  }
}
