package dev.harmont.server.mail;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Date;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sends over SMTP with Angus Mail (the Jakarta Mail implementation). TLS ({@code smtps}) and
 * STARTTLS ({@code smtp+starttls}, required: a server that does not offer it is refused) verify the
 * server's certificate and host name, against the JDK's trusted certificates or those of {@code
 * --smtp-ca-file}. Connecting, reading and writing each time out, so a stuck server only delays the
 * outbox. Each message is {@code multipart/alternative} (text, then HTML) with {@code Message-ID},
 * {@code Date} and {@code Auto-Submitted: auto-generated}.
 */
public final class SmtpTransport implements MailTransport {
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final SmtpUrl url;
  private final Session session;
  private final String protocol;
  private final InternetAddress from;
  private final Clock clock;

  private SmtpTransport(SmtpUrl url, Session session, InternetAddress from, Clock clock) {
    this.url = url;
    this.session = session;
    this.protocol = url.security() == SmtpUrl.Security.TLS ? "smtps" : "smtp";
    this.from = from;
    this.clock = clock;
  }

  /**
   * A transport for {@code settings} (whose {@link MailSettings#smtpUrl()} is set).
   *
   * @param defaultFrom the {@code From} when {@link MailSettings#mailFrom()} is null
   * @throws IllegalArgumentException when the password file, CA file or sender cannot be used,
   *     saying which and why
   */
  public static SmtpTransport of(MailSettings settings, String defaultFrom, Clock clock) {
    SmtpUrl url = settings.smtpUrl();
    if (settings.smtpPasswordFile() != null) {
      url = url.withPassword(readPassword(settings.smtpPasswordFile()));
    }
    String fromText = settings.mailFrom() == null ? defaultFrom : settings.mailFrom();
    InternetAddress from;
    try {
      from = new InternetAddress(fromText, true);
    } catch (AddressException e) {
      throw new IllegalArgumentException(
          "--mail-from is not an address such as 'Harmont <no-reply@example.org>': " + fromText, e);
    }
    String p = url.security() == SmtpUrl.Security.TLS ? "smtps" : "smtp";
    Properties props = new Properties();
    props.setProperty("mail.transport.protocol", p);
    props.setProperty("mail." + p + ".host", url.host());
    props.setProperty("mail." + p + ".port", Integer.toString(url.port()));
    String timeout = Long.toString(TIMEOUT.toMillis());
    props.setProperty("mail." + p + ".connectiontimeout", timeout);
    props.setProperty("mail." + p + ".timeout", timeout);
    props.setProperty("mail." + p + ".writetimeout", timeout);
    props.setProperty("mail." + p + ".auth", Boolean.toString(url.user() != null));
    props.setProperty("mail." + p + ".from", from.getAddress());
    props.setProperty("mail." + p + ".localhost", domainOf(from));
    if (url.security() != SmtpUrl.Security.PLAIN) {
      props.setProperty("mail." + p + ".ssl.checkserveridentity", "true");
      props.setProperty("mail." + p + ".ssl.protocols", "TLSv1.3 TLSv1.2");
      props.put(
          "mail." + p + ".ssl.socketFactory",
          settings.smtpCaFile() == null
              ? (SSLSocketFactory) SSLSocketFactory.getDefault()
              : trusting(settings.smtpCaFile()));
    }
    if (url.security() == SmtpUrl.Security.TLS) {
      props.setProperty("mail.smtps.ssl.enable", "true");
    }
    if (url.security() == SmtpUrl.Security.STARTTLS) {
      props.setProperty("mail.smtp.starttls.enable", "true");
      props.setProperty("mail.smtp.starttls.required", "true");
    }
    return new SmtpTransport(url, Session.getInstance(props), from, clock);
  }

  @Override
  public void send(OutgoingMail mail) throws MailDeliveryException {
    MimeMessage message;
    try {
      message = render(mail);
    } catch (MessagingException e) {
      throw new MailDeliveryException("The message cannot be written: " + e.getMessage(), true, e);
    }
    try (Transport transport = session.getTransport(protocol)) {
      transport.connect(url.host(), url.port(), url.user(), url.password());
      transport.sendMessage(message, message.getAllRecipients());
    } catch (AuthenticationFailedException e) {
      throw new MailDeliveryException(
          "The SMTP server refused the user name or password (" + url + ")", false, e);
    } catch (SMTPAddressFailedException e) {
      throw new MailDeliveryException(
          "The SMTP server refused the recipient: " + e.getReturnCode(),
          e.getReturnCode() >= 500,
          e);
    } catch (SendFailedException e) {
      boolean refused =
          e.getInvalidAddresses() != null
              && e.getInvalidAddresses().length > 0
              && (!(e instanceof SMTPSendFailedException s) || s.getReturnCode() >= 500);
      throw new MailDeliveryException(
          "The SMTP server did not accept the message: " + summary(e), refused, e);
    } catch (MessagingException e) {
      throw new MailDeliveryException("Cannot send through " + url + ": " + summary(e), false, e);
    }
  }

  private MimeMessage render(OutgoingMail mail) throws MessagingException {
    InternetAddress to = new InternetAddress(mail.to(), true);
    String messageId = "<" + UUID.randomUUID() + "@" + domainOf(from) + ">";
    MimeMessage message =
        new MimeMessage(session) {
          @Override
          protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
          }
        };
    message.setFrom(from);
    message.setRecipient(Message.RecipientType.TO, to);
    message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
    message.setSentDate(Date.from(clock.instant()));
    message.setHeader("Auto-Submitted", "auto-generated");
    MimeBodyPart text = new MimeBodyPart();
    text.setText(mail.text(), StandardCharsets.UTF_8.name(), "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(mail.html(), StandardCharsets.UTF_8.name(), "html");
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(text);
    alternative.addBodyPart(html);
    message.setContent(alternative);
    message.saveChanges();
    return message;
  }

  @Override
  public String describe() {
    return url + " as " + from.toUnicodeString();
  }

  /** The exception's own words and its cause's, on one line, without addresses' details. */
  private static String summary(MessagingException e) {
    StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null) {
      s.append(" (").append(cause.getClass().getSimpleName()).append(": ");
      s.append(cause.getMessage()).append(")");
    }
    return s.toString().replaceAll("\\s+", " ").strip();
  }

  private static String domainOf(InternetAddress address) {
    String a = address.getAddress();
    int at = a.lastIndexOf('@');
    return at < 0 ? "localhost" : a.substring(at + 1).toLowerCase(Locale.ROOT);
  }

  /** The default sender: {@code Harmont <no-reply@HOST>}. */
  public static String defaultFrom(String host) {
    try {
      return new InternetAddress("no-reply@" + host, MailSettings.DEFAULT_FROM_NAME, "UTF-8")
          .toString();
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String readPassword(Path file) {
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      int newline = content.indexOf('\n');
      String line = newline < 0 ? content : content.substring(0, newline);
      return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read --smtp-password-file " + file + " (" + e.getMessage() + ").", e);
    }
  }

  /** Sockets that trust the certificates in the PEM file {@code caFile} only. */
  private static SSLSocketFactory trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(
            "--smtp-ca-file " + caFile + " holds no PEM certificate.");
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trusted.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "Cannot use --smtp-ca-file " + caFile + " (" + e.getMessage() + ").", e);
    }
  }
}
