package dev.harmont.server.edge;

/**
 * Answers one request: reads what it needs from {@code req} and sends one answer on {@code res}.
 */
@FunctionalInterface
public interface Handler {
  void handle(Request req, Response res) throws Exception;
}
