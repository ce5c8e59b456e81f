package dev.harmont.server.account;

/**
 * A failure the caller can act on, carrying one catalog {@link ErrorCode}. The message is the
 * code's default unless a more precise one is given; upstream codes always keep their own.
 */
public final class HarmontException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final long retryAfterSeconds;

  public HarmontException(ErrorCode code) {
    this(code, code.message(), null);
  }

  public HarmontException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public HarmontException(ErrorCode code, String message, Throwable cause) {
    this(code, message, cause, 0);
  }

  private HarmontException(ErrorCode code, String message, Throwable cause, long retryAfter) {
    super(code.isUpstream() ? code.message() : message, cause, false, false);
    this.code = code;
    this.retryAfterSeconds = retryAfter;
  }

  /** The same failure, telling the client to wait {@code seconds} before retrying. */
  public HarmontException withRetryAfter(long seconds) {
    return new HarmontException(code, getMessage(), getCause(), seconds);
  }

  public ErrorCode code() {
    return code;
  }

  /** Seconds the client should wait before retrying, or 0 when not said. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
