package dev.harmont.server.mail;

import java.nio.file.Path;

/**
 * How this node sends mail ({@code --smtp-url}, {@code --smtp-password-file}, {@code
 * --smtp-ca-file}, {@code --mail-from}) and what seals the outbox ({@code --secret-key-file}).
 *
 * @param smtpUrl the SMTP server; null: messages are written to the log, not sent
 * @param smtpPasswordFile a file whose content (first line) is the SMTP password, in place of the
 *     URL's; null: the URL's
 * @param smtpCaFile PEM certificates to trust for the SMTP server instead of the JDK's (a private
 *     CA); null: the JDK's
 * @param mailFrom the {@code From} of every message, e.g. {@code Harmont <no-reply@example.org>};
 *     null: {@link #DEFAULT_FROM_NAME} at {@code no-reply@} the public URL's host
 * @param secretKeyFile the keys that seal the outbox; null: beside a SQLite database file, else a
 *     key in memory (refused on PostgreSQL with SMTP: every node needs the same key)
 */
public record MailSettings(
    SmtpUrl smtpUrl, Path smtpPasswordFile, Path smtpCaFile, String mailFrom, Path secretKeyFile) {
  /** The display name of the default sender. */
  public static final String DEFAULT_FROM_NAME = "Harmont";

  /** No SMTP, default sender, default keys. */
  public static final MailSettings NONE = new MailSettings(null, null, null, null, null);
}
