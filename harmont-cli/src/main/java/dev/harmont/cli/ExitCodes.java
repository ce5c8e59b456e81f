package dev.harmont.cli;

/** The documented exit codes of {@code harmont}; the README lists them. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** The server (or the database, for admin commands) refused the request. */
  public static final int API_ERROR = 1;

  /** Wrong flags or arguments; nothing was sent. */
  public static final int USAGE = 2;

  /** No token, or the token was refused (401). */
  public static final int AUTHENTICATION = 3;

  /** The thing asked for does not exist (404). */
  public static final int NOT_FOUND = 4;

  /** The server could not be reached, or timed out. */
  public static final int NETWORK = 5;

  /** An unexpected failure inside the command itself. */
  public static final int INTERNAL = 70;

  private ExitCodes() {}

  /** The exit code for an HTTP-style status from the catalog. */
  public static int forStatus(int status) {
    return switch (status) {
      case 401 -> AUTHENTICATION;
      case 404 -> NOT_FOUND;
      case 503 -> NETWORK;
      default -> API_ERROR;
    };
  }
}
