package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request body the handler never reads is drained, never parsed as the next request on the
 * connection: otherwise a request hidden in a body would run unseen by any proxy in front (request
 * smuggling), and its answer would go to whoever's request comes next.
 */
class UnreadBodyTest extends ServerSuite {
  private static final String HIDDEN = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "DELETE /api/v0/user",
        "POST /api/v0/auth/logout",
        "DELETE /api/v0/user/api-tokens/OWN",
        "GET /api/v0/user",
        "OPTIONS /api/v0/user"
      })
  void aBodyTheHandlerDidNotReadIsNeverTakenForTheNextRequest(String request) throws IOException {
    restartWith(c -> c.corsOrigins(List.of("https://app.example.org")));
    TestUser user = newUser();
    String ownKey =
        api.post("/api/v0/user/api-tokens", user.token(), "{}").json().at("/api_token/id").asText();
    byte[] body = HIDDEN.repeat(3).getBytes(StandardCharsets.US_ASCII);
    String head =
        request.replace("OWN", ownKey)
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer "
            + user.token()
            + "\r\nOrigin: https://app.example.org\r\nAccess-Control-Request-Method: PATCH"
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";

    String answers = exchange(head.getBytes(StandardCharsets.US_ASCII), body);

    assertThat(answers.split("HTTP/1\\.1 ", -1)).as(answers).hasSize(2);
  }

  @Test
  void aStreamedBodyOverTheLimitIsDiscardedNotTakenForRequests() throws IOException {
    restartWith(c -> c.maxBodyBytes(1024));
    String answers = patchChunked(HIDDEN.repeat(100)); // 3.5 KB: over the limit, under the cap

    assertThat(answers).startsWith("HTTP/1.1 413");
    assertThat(answers.split("HTTP/1\\.1 ", -1)).as(answers).hasSize(2);
  }

  @Test
  void aStreamedBodyPastTheDrainCapEndsTheConnectionUnparsed() throws IOException {
    restartWith(c -> c.maxBodyBytes(1024));
    String answers = patchChunked(HIDDEN.repeat(40_000)); // 1.4 MB: past the 1 MiB cap

    assertThat(answers).doesNotContain("200 OK");
  }

  private String patchChunked(String chunk) throws IOException {
    TestUser user = newUser();
    String head =
        "PATCH /api/v0/user HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + user.token()
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    String body = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";
    return exchange(
        head.getBytes(StandardCharsets.US_ASCII), body.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Everything the server writes back within a second (it may keep the connection open), or until
   * it ends the connection, even while the body is still being sent.
   */
  private String exchange(byte[] head, byte[] body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.baseUri().getPort())) {
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head);
        out.write(body);
        out.flush();
      } catch (SocketException e) {
        // Ended before the whole body was sent (past the drain cap the server stops reading; how
        // far the client got first depends on the machine): what it answered is read below.
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          got.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException e) {
        // Nothing more came: all answers are in.
      } catch (SocketException e) {
        // Reset by the server after the answers it sent, if any.
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
