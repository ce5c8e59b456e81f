package dev.harmont.server.signin;

import dev.harmont.server.mail.OutgoingMail;

/**
 * The words of every email the sign-in ceremonies send: short, plain text with an HTML alternative
 * that says the same, the server's public address, and what to do if it wasn't you. No images, no
 * tracking, nothing loaded from elsewhere. Everything a person typed (a name) and every link is
 * escaped before it goes into the HTML ({@link #html}).
 */
final class Messages {
  private Messages() {}

  /** The link that verifies a new account's address. */
  static OutgoingMail signUp(String to, String name, String link, String server, String lifetime) {
    return mail(
        to,
        "Create your Harmont account",
        "Hello " + name + ",",
        "Open this link to finish creating your account on " + server + " with a passkey:",
        link,
        "Create passkey",
        "The link works once, for " + lifetime + ".",
        "If you did not ask for an account, ignore this email: nothing is created without it.");
  }

  /** Someone asked for an account with an address that already has one. */
  static OutgoingMail signUpExisting(String to, String server) {
    return mail(
        to,
        "Someone tried to sign up with your address",
        "Hello,",
        "Someone asked to create an account on "
            + server
            + " with this address, which already has one. No second account was made. To sign"
            + " in, or to get back in if you lost your passkey, open:",
        server + "/recover",
        "Sign in or recover",
        "There you can have a sign-in link emailed to you.",
        "If it wasn't you, ignore this email: your account is unchanged.");
  }

  /** A link to add a passkey to an account whose owner lost theirs. */
  static OutgoingMail recovery(String to, String name, String link, String server, String life) {
    return mail(
        to,
        "Your Harmont sign-in link",
        "Hello " + name + ",",
        "Open this link to create a new passkey and sign in to " + server + ":",
        link,
        "Create passkey",
        "The link works once, for " + life + ".",
        "If you did not ask for it, ignore this email: nobody can use your account without it.");
  }

  /** An operator's invitation: the recovery flow, worded as a welcome. */
  static OutgoingMail invite(String to, String name, String link, String server, String life) {
    return mail(
        to,
        "You are invited to Harmont",
        "Hello " + name + ",",
        "An account was made for you on " + server + ". Open this link to create your passkey:",
        link,
        "Create passkey",
        "The link works once, for " + life + ".",
        "If you did not expect this, ignore this email or tell the server's operator.");
  }

  private static OutgoingMail mail(
      String to,
      String subject,
      String greeting,
      String lead,
      String link,
      String action,
      String lifetime,
      String ifNotYou) {
    String text =
        greeting
            + "\n\n"
            + lead
            + "\n\n"
            + link
            + "\n\n"
            + lifetime
            + "\n\n"
            + ifNotYou
            + "\n\n-- \nHarmont\n";
    String html =
        "<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif; line-height: 1.5\">\n<p>"
            + html(greeting)
            + "</p>\n<p>"
            + html(lead)
            + "</p>\n<p><a href=\""
            + html(link)
            + "\">"
            + html(action)
            + "</a></p>\n<p style=\"font-family: monospace; word-break: break-all\">"
            + html(link)
            + "</p>\n<p>"
            + html(lifetime)
            + "</p>\n<p>"
            + html(ifNotYou)
            + "</p>\n</body></html>\n";
    return new OutgoingMail(to, subject, text, html);
  }

  /** {@code text} as HTML text or a double-quoted attribute value: the five special characters. */
  static String html(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
