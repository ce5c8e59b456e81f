package dev.harmont.server.edge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Callback;

/**
 * The one answer to a request: a status, headers, and a whole body sent at once (every answer here
 * is a few kilobytes at most). What must happen as the answer leaves (counting it, the access-log
 * line, keeping an idempotent answer) registers with {@link #beforeSend} or {@link #intercept}.
 */
public final class Response {
  private static final byte[] EMPTY = new byte[0];

  private final org.eclipse.jetty.server.Response jetty;
  private final Callback done;
  private final HttpFields.Mutable headers;
  private int status = 200;
  private boolean sent;
  private List<Runnable> beforeSend;
  private Consumer<byte[]> interceptor;

  Response(org.eclipse.jetty.server.Response jetty, Callback done) {
    this.jetty = jetty;
    this.done = done;
    this.headers = jetty.getHeaders();
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
    headers.put(name, value);
    return this;
  }

  /** The header's value as set so far. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /**
   * Forgets the status and every header set so far but {@code Connection} (the edge's, about the
   * connection rather than the answer): for an error answered instead.
   */
  public void reset() {
    if (sent) {
      throw new IllegalStateException("the answer has been sent");
    }
    status = 200;
    String connection = headers.get(HttpHeader.CONNECTION);
    headers.clear();
    if (connection != null) {
      headers.put(HttpHeader.CONNECTION, connection);
    }
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
    jetty.setStatus(status);
    if (status != 204 && status != 304 && status >= 200) {
      headers.put(HttpHeader.CONTENT_LENGTH, body.length);
    }
    jetty.write(true, body.length == 0 ? null : ByteBuffer.wrap(body), done);
  }
}
