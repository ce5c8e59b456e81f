package dev.harmont.server.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * No {@code --smtp-url}: each message is written to the server's log (recipient, subject and the
 * links in its text) marked "not sent: no SMTP configured", so that one person trying the server on
 * their own machine can still follow a sign-up or recovery link. This is the one place where a link
 * reaches a log, because the operator chose it by not configuring SMTP; a deployment sets {@code
 * --smtp-url}.
 */
public final class LogOnlyTransport implements MailTransport {
  private static final System.Logger LOG = System.getLogger(LogOnlyTransport.class.getName());
  private static final Pattern LINK = Pattern.compile("https?://[^\\s<>\"]+");

  @Override
  public void send(OutgoingMail mail) {
    List<String> links = new ArrayList<>();
    Matcher m = LINK.matcher(mail.text());
    while (m.find()) {
      links.add(m.group());
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "Mail not sent: no SMTP configured (--smtp-url). To: "
            + mail.to()
            + "; subject: "
            + mail.subject()
            + "; "
            + (links.isEmpty() ? "no link" : "link: " + String.join(" ", links)));
  }

  @Override
  public String describe() {
    return "no SMTP configured (--smtp-url): messages are written to this log, not sent";
  }
}
