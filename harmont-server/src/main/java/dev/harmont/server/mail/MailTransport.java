package dev.harmont.server.mail;

/** Sends one message now, or says why not. Used by {@link MailSender} only. */
public interface MailTransport {
  /**
   * Sends {@code mail}; returns once the server has accepted it.
   *
   * @throws MailDeliveryException when it was not accepted
   */
  void send(OutgoingMail mail) throws MailDeliveryException;

  /** Where messages go, for the start-up line (never a password). */
  String describe();
}
