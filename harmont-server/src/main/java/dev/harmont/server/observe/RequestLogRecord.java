package dev.harmont.server.observe;

import java.io.Serial;
import java.io.Serializable;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * A log record that belongs to one request: it carries the request id and, for access lines, what
 * the access log says of the request, as fields, so {@link JsonLogFormatter} writes them as JSON
 * fields rather than parsing them out of the text. The text message stays what the plain format
 * prints.
 */
public final class RequestLogRecord extends LogRecord {
  @Serial private static final long serialVersionUID = 1L;

  /** The logger of the access log: one line per answered request. */
  public static final String ACCESS_LOGGER = "dev.harmont.access";

  /**
   * What an access line says: never headers, bodies or query strings.
   *
   * @param route the route template ({@code /api/v0/user/api-tokens/{id}}) or {@code unmatched}
   */
  public record Access(String method, String route, int status, long latencyMicros)
      implements Serializable {}

  private final String requestId;
  private final Access access;

  public RequestLogRecord(Level level, String message, String requestId, Access access) {
    super(level, message);
    this.requestId = requestId;
    this.access = access;
  }

  public String requestId() {
    return requestId;
  }

  /** The access line's fields; null for an application line. */
  public Access access() {
    return access;
  }
}
