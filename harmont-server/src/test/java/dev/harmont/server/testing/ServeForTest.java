package dev.harmont.server.testing;

import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;

/**
 * Runs a server in a child process for crash tests: {@code ServeForTest DATA_DIR}. Prints the port
 * on stdout once serving, then runs until killed.
 */
public final class ServeForTest {
  private ServeForTest() {}

  public static void main(String[] args) throws InterruptedException {
    HarmontServer server =
        HarmontServer.start(ServerConfig.embedded(java.nio.file.Path.of(args[0])).withPort(0));
    System.out.println(server.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
