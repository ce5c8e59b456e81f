package dev.harmont.server.mail;

/**
 * A message that did not go out. {@link #permanent()} when trying again cannot help (the server
 * refused the address); otherwise the outbox retries with backoff. The message is short and holds
 * no body, link or password: it is stored as the row's {@code last_error} and logged.
 */
public final class MailDeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean permanent;

  public MailDeliveryException(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  /** True when a retry cannot succeed. */
  public boolean permanent() {
    return permanent;
  }
}
