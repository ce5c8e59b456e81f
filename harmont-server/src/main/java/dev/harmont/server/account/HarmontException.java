package dev.harmont.server.account;

/**
 * A failure the caller can act on, carrying one catalog {@link ErrorCode}. The message is the
 * code's default unless a more precise one is given; upstream codes always keep their own.
 */
public final class HarmontException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public HarmontException(ErrorCode code) {
    this(code, code.message(), null);
  }

  public HarmontException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public HarmontException(ErrorCode code, String message, Throwable cause) {
    super(code.isUpstream() ? code.message() : message, cause, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
