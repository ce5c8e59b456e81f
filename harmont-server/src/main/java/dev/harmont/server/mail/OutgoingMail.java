package dev.harmont.server.mail;

import java.util.Objects;

/**
 * One message for one person, as its writer renders it: the address it goes to, its subject, a
 * plain-text body and an HTML alternative. Headers ({@code From}, {@code Message-ID}, {@code Date},
 * {@code Auto-Submitted}) are the sender's, not the writer's. A message may carry a one-time link:
 * it is only ever stored sealed, and its {@code toString} never shows a body.
 */
public record OutgoingMail(String to, String subject, String text, String html) {
  public OutgoingMail {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(html, "html");
  }

  @Override
  public String toString() {
    return "OutgoingMail[subject=" + subject + "]"; // never the address, a body or a link
  }
}
