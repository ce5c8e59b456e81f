package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * RFC 9112 §9.6: once it has answered a request that says {@code Connection: close}, the server
 * closes the connection, whatever the answer, so a client that reads to the end of the stream gets
 * the answer and the end; an HTTP/1.0 request gets a 400 that says so, then the end. Raw sockets:
 * every read would fail after 10 s if the server kept the connection open.
 */
class ConnectionCloseTest extends ServerSuite {
  private static final String TOKENS = "/api/v0/user/api-tokens";

  @Test
  void everyKindOfAnswerToConnectionCloseEndsTheConnection() throws IOException {
    TestUser user = newUser();
    String bearer = "Authorization: Bearer " + user.token() + "\r\n";
    String json = "Content-Type: application/json\r\n";
    String body = "{\"description\":\"closing\"}";

    assertThat(untilClosed("GET /healthz HTTP/1.1\r\n", "")).startsWith("HTTP/1.1 200 ");
    assertThat(untilClosed("GET /api/v0/user HTTP/1.1\r\n" + bearer, ""))
        .startsWith("HTTP/1.1 200 ")
        .contains(user.email());
    assertThat(untilClosed("GET /api/v0/user HTTP/1.1\r\n", "")).startsWith("HTTP/1.1 401 ");
    assertThat(untilClosed("GET /nowhere HTTP/1.1\r\n", "")).startsWith("HTTP/1.1 404 ");
    assertThat(untilClosed("POST " + TOKENS + " HTTP/1.1\r\n" + bearer + json + length(body), body))
        .startsWith("HTTP/1.1 201 ")
        .contains("\"token\":\"hm_");
    assertThat(untilClosed("POST " + TOKENS + " HTTP/1.1\r\n" + bearer + json + length("{"), "{"))
        .startsWith("HTTP/1.1 400 ");
  }

  @Test
  void anHttp10RequestIsToldToUseHttp11AndTheConnectionEnds() throws IOException {
    TestUser user = newUser();
    for (String request :
        new String[] {
          "GET /healthz HTTP/1.0\r\n\r\n",
          "GET /api/v0/user HTTP/1.0\r\nAuthorization: Bearer " + user.token() + "\r\n\r\n"
        }) {
      try (Socket socket = connect()) {
        write(socket.getOutputStream(), request);
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer)
            .startsWith("HTTP/1.1 400 ")
            .contains("\"code\":\"bad_request\"")
            .contains("speaks HTTP/1.1 only");
      }
    }
  }

  @Test
  void aBodyAwaitingHundredContinueIsStillReadBeforeTheConnectionEnds() throws IOException {
    TestUser user = newUser();
    String body = "{\"description\":\"after continue\"}";
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      write(
          out,
          "POST "
              + TOKENS
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + user.token()
              + "\r\nContent-Type: application/json\r\n"
              + length(body)
              + "Expect: 100-continue\r\nConnection: close\r\n\r\n");
      assertThat(head(in)).startsWith("HTTP/1.1 100 ");
      write(out, body);
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 201 ").contains("after continue");
    }
  }

  @Test
  void withoutItTheConnectionServesTheNextRequest() throws IOException {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (int i = 0; i < 3; i++) {
        write(out, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        String head = head(in);
        assertThat(head).startsWith("HTTP/1.1 200 ");
        int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        assertThat(in.readNBytes(length)).hasSize(length);
      }
    }
  }

  /** Sends the request with {@code Connection: close}; everything read until the server closes. */
  private String untilClosed(String requestLineAndHeaders, String body) throws IOException {
    try (Socket socket = connect()) {
      write(
          socket.getOutputStream(),
          requestLineAndHeaders + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n" + body);
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", server.baseUri().getPort()), 5000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String length(String body) {
    return "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n";
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The status line and headers of the next answer. */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.UTF_8);
  }
}
