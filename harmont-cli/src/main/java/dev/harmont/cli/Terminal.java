package dev.harmont.cli;

import java.io.Console;

/**
 * The user's terminal, when there is one: where confirmations and hidden token prompts go. Tests
 * pass a scripted one; {@link #system()} wraps {@link System#console()}.
 */
interface Terminal {
  /** Whether a person can be asked something. */
  boolean interactive();

  /** Shows {@code prompt} and reads one line, or null at end of input. */
  String readLine(String prompt);

  /** Shows {@code prompt} and reads one line without echo, or null at end of input. */
  String readSecret(String prompt);

  /** The process's console, or a non-interactive terminal when there is none. */
  static Terminal system() {
    Console console = System.console();
    if (console == null || !isTerminal(console)) {
      return none();
    }
    return new Terminal() {
      @Override
      public boolean interactive() {
        return true;
      }

      @Override
      public String readLine(String prompt) {
        return console.readLine("%s", prompt);
      }

      @Override
      public String readSecret(String prompt) {
        char[] secret = console.readPassword("%s", prompt);
        return secret == null ? null : new String(secret);
      }
    };
  }

  /**
   * Whether the console is a real terminal. From JDK 22 {@link System#console()} may return a
   * console for redirected streams too; {@code Console.isTerminal()} (JDK 22+) tells them apart.
   */
  private static boolean isTerminal(Console console) {
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a non-null console is a terminal
    }
  }

  /** No terminal: nobody to ask. */
  static Terminal none() {
    return new Terminal() {
      @Override
      public boolean interactive() {
        return false;
      }

      @Override
      public String readLine(String prompt) {
        throw new IllegalStateException("no terminal");
      }

      @Override
      public String readSecret(String prompt) {
        throw new IllegalStateException("no terminal");
      }
    };
  }
}
