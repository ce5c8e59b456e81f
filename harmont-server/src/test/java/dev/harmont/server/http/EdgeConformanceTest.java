package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.ServerConfig;
import dev.harmont.server.observe.RequestLogRecord;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP edge's conformance list (issue 25), over raw sockets: what any server behind this API
 * must do, whichever HTTP library it runs on. HTTP/1.0 with and without keep-alive, case-sensitive
 * methods, {@code Connection: close}, pipelining, {@code Expect: 100-continue} with a body that is
 * refused, HEAD, OPTIONS, encoded separators, oversized headers and bodies, malformed requests;
 * every answer in our error envelope and in the access log. {@code EdgeBehindProxiesTest} runs the
 * same server behind a real nginx and HAProxy. Every read fails after 10 s: a server that keeps a
 * connection open or waits for a body it should not is a hang, not a slow pass. Nothing here is
 * about storage: SQLite only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeConformanceTest {
  private static final String TOKENS = "/api/v0/user/api-tokens";
  private static final int MAX_BODY = ServerConfig.DEFAULT_MAX_BODY_BYTES;
  private static final int MAX_HEADERS = ServerConfig.DEFAULT_MAX_HEADER_BYTES;

  // Held: a logger nobody references may be collected, and the server's would be another one.
  private static final Logger ACCESS = Logger.getLogger(RequestLogRecord.ACCESS_LOGGER);

  private TestServer server;
  private final List<LogRecord> accessLines = Collections.synchronizedList(new ArrayList<>());
  private final Handler accessLog =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          accessLines.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE, config -> config);
    ACCESS.addHandler(accessLog);
  }

  @AfterAll
  void stop() {
    ACCESS.removeHandler(accessLog);
    server.close();
  }

  @Test
  void http10WithoutKeepAliveIsAnsweredAndTheConnectionEnds() throws IOException {
    TestUser user = server.newUser();
    // As HAProxy's health check sends it: no Host, which HTTP/1.0 does not need. untilClosed
    // returns only once the server has ended the connection.
    Answer health = Answer.parse(untilClosed("GET /healthz HTTP/1.0\r\n\r\n"));
    assertThat(health.status()).isEqualTo(200);
    assertEndsAsHttp10Allows(health);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    // As nginx's default proxy_pass sends it.
    Answer me =
        Answer.parse(
            untilClosed(
                "GET /api/v0/user HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Authorization: Bearer "
                    + user.token()
                    + "\r\n\r\n"));
    assertThat(me.status()).isEqualTo(200);
    assertEndsAsHttp10Allows(me);
    assertThat(me.body()).contains(user.email());
  }

  /**
   * RFC 9112 §9.3: an answer to an HTTP/1.0 request that is not kept alive says so, by an HTTP/1.0
   * status line (whose default is to close) or by {@code Connection: close}; never chunked, which
   * an HTTP/1.0 client cannot read.
   */
  private static void assertEndsAsHttp10Allows(Answer answer) {
    assertThat(answer.header("Transfer-Encoding")).isNull();
    assertThat(answer.header("Connection")).isNotEqualToIgnoringCase("keep-alive");
    if (answer.statusLine().startsWith("HTTP/1.1 ")) {
      assertThat(answer.header("Connection")).isEqualToIgnoringCase("close");
    } else {
      assertThat(answer.statusLine()).startsWith("HTTP/1.0 ");
    }
  }

  @Test
  void http10WithKeepAliveIsAnsweredWithALengthAndKeptOrEnded() throws IOException {
    TestUser user = server.newUser();
    String body = "{\"description\":\"from http/1.0\"}";
    String request =
        "POST "
            + TOKENS
            + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n"
            + "Authorization: Bearer "
            + user.token()
            + "\r\nContent-Type: application/json\r\n"
            + length(body)
            + "\r\n"
            + body;
    try (Socket socket = connect()) {
      write(socket.getOutputStream(), request);
      // Read by its length: an HTTP/1.0 client can only keep a connection whose answers have one.
      Answer created = Answer.read(socket.getInputStream());
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.header("Transfer-Encoding")).isNull();
      assertThat(created.body()).contains("\"token\":\"hm_").contains("from http/1.0");
      if ("keep-alive".equalsIgnoreCase(created.header("Connection"))) {
        // RFC 9112 §9.3: kept alive, as the answer says; the next request is answered on it.
        write(socket.getOutputStream(), "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertThat(Answer.read(socket.getInputStream()).status()).isEqualTo(200);
      } else {
        assertEndsAsHttp10Allows(created);
        assertThat(socket.getInputStream().read()).as("the end of the connection").isEqualTo(-1);
      }
    }
  }

  @Test
  void aMethodSpeltInAnotherCaseIs405WithAllow() throws IOException {
    TestUser user = server.newUser();
    Answer answer =
        Answer.parse(
            untilClosed(
                "get /api/v0/user HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Authorization: Bearer "
                    + user.token()
                    + "\r\n\r\n"));
    assertThat(answer.status()).isEqualTo(405);
    assertThat(answer.header("Allow")).isEqualTo("GET, PATCH, DELETE");
    assertEnvelope(answer, "method_not_allowed");
  }

  @Test
  void everyKindOfAnswerToConnectionCloseEndsTheConnection() throws IOException {
    TestUser user = server.newUser();
    String bearer = "Authorization: Bearer " + user.token() + "\r\n";
    String json = "Content-Type: application/json\r\n";
    String body = "{\"description\":\"closing\"}";
    assertThat(closing("GET /healthz HTTP/1.1\r\n", "")).startsWith("HTTP/1.1 200 ");
    assertThat(closing("GET /api/v0/user HTTP/1.1\r\n" + bearer, ""))
        .startsWith("HTTP/1.1 200 ")
        .contains(user.email());
    assertThat(closing("GET /api/v0/user HTTP/1.1\r\n", "")).startsWith("HTTP/1.1 401 ");
    assertThat(closing("GET /nowhere HTTP/1.1\r\n", "")).startsWith("HTTP/1.1 404 ");
    assertThat(closing("POST " + TOKENS + " HTTP/1.1\r\n" + bearer + json + length(body), body))
        .startsWith("HTTP/1.1 201 ")
        .contains("\"token\":\"hm_");
    assertThat(closing("POST " + TOKENS + " HTTP/1.1\r\n" + bearer + json + length("{"), "{"))
        .startsWith("HTTP/1.1 400 ");
  }

  @Test
  void withoutConnectionCloseTheConnectionServesTheNextRequest() throws IOException {
    try (Socket socket = connect()) {
      for (int i = 0; i < 3; i++) {
        write(socket.getOutputStream(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(Answer.read(socket.getInputStream()).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws IOException {
    TestUser user = server.newUser();
    String body = "{\"description\":\"pipelined\"}";
    String requests =
        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST "
            + TOKENS
            + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + user.token()
            + "\r\nContent-Type: application/json\r\n"
            + length(body)
            + "\r\n"
            + body
            + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
            + "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /api/v0/user HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
            + user.token()
            + "\r\n\r\n";
    try (Socket socket = connect()) {
      write(socket.getOutputStream(), requests);
      InputStream in = socket.getInputStream();
      assertThat(Answer.read(in).status()).isEqualTo(200);
      Answer created = Answer.read(in);
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.body()).contains("pipelined");
      assertThat(Answer.read(in).status()).isEqualTo(404);
      assertThat(Answer.readHead(in).status()).isEqualTo(200);
      Answer last = Answer.read(in);
      assertThat(last.status()).isEqualTo(200);
      assertThat(last.body()).contains(user.email());
      assertThat(in.read()).as("the end of the stream after Connection: close").isEqualTo(-1);
    }
  }

  @Test
  void aBodyThatWillBeRefusedIsNotAskedForWithHundredContinue() throws IOException {
    TestUser user = server.newUser();
    String bearer = "Authorization: Bearer " + user.token() + "\r\n";
    String expect = "Expect: 100-continue\r\n";
    // Too large, declared: refused before anything is read.
    Answer tooLarge =
        Answer.parse(
            headersOnly(
                "POST "
                    + TOKENS
                    + " HTTP/1.1\r\nHost: x\r\n"
                    + bearer
                    + expect
                    + "Content-Type: application/json\r\nContent-Length: "
                    + (MAX_BODY + 1)
                    + "\r\n\r\n"));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertEnvelope(tooLarge, "payload_too_large");
    // Not JSON.
    Answer wrongType =
        Answer.parse(
            headersOnly(
                "POST "
                    + TOKENS
                    + " HTTP/1.1\r\nHost: x\r\n"
                    + bearer
                    + expect
                    + "Content-Type: text/plain\r\nContent-Length: 20\r\n\r\n"));
    assertThat(wrongType.status()).isEqualTo(415);
    assertEnvelope(wrongType, "unsupported_media_type");
    // No credentials.
    Answer anonymous =
        Answer.parse(
            headersOnly(
                "POST "
                    + TOKENS
                    + " HTTP/1.1\r\nHost: x\r\n"
                    + expect
                    + "Content-Type: application/json\r\nContent-Length: 20\r\n\r\n"));
    assertThat(anonymous.status()).isEqualTo(401);
    assertEnvelope(anonymous, "unauthorized");
  }

  @Test
  void aBodyThatWillBeReadIsAskedForWithHundredContinue() throws IOException {
    TestUser user = server.newUser();
    String body = "{\"description\":\"after continue\"}";
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      write(
          out,
          "POST "
              + TOKENS
              + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + user.token()
              + "\r\nContent-Type: application/json\r\n"
              + length(body)
              + "Expect: 100-continue\r\nConnection: close\r\n\r\n");
      assertThat(Answer.readHead(in).status()).isEqualTo(100);
      write(out, body);
      Answer created = Answer.read(in);
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.body()).contains("after continue");
    }
  }

  @Test
  void headIsGetWithoutTheBody() throws IOException {
    TestUser user = server.newUser();
    String bearer = "Authorization: Bearer " + user.token() + "\r\n";
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      write(out, "GET /api/v0/user HTTP/1.1\r\nHost: x\r\n" + bearer + "\r\n");
      Answer get = Answer.read(in);
      write(out, "HEAD /api/v0/user HTTP/1.1\r\nHost: x\r\n" + bearer + "\r\n");
      Answer head = Answer.readHead(in);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length"));
      assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
      // No body came: the next bytes are the next answer's.
      write(out, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
          .startsWith("HTTP/1.1 200 ")
          .endsWith("{\"status\":\"ok\"}");
    }
  }

  @Test
  void optionsNamesWhatAPathAllows() throws IOException {
    Answer answer =
        Answer.parse(
            untilClosed("OPTIONS /api/v0/user HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    assertThat(answer.status()).isEqualTo(204);
    assertThat(answer.header("Allow")).isEqualTo("GET, PATCH, DELETE");
  }

  @Test
  void anEncodedSeparatorIsNeverAPathSeparator() throws IOException {
    TestUser user = server.newUser();
    for (String path :
        List.of("/api/v0/user%2Fapi-tokens", "/api/v0/user%2fapi-tokens", "/api/v0%2Fuser")) {
      Answer answer =
          Answer.parse(
              untilClosed(
                  "GET "
                      + path
                      + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      + "Authorization: Bearer "
                      + user.token()
                      + "\r\n\r\n"));
      assertThat(answer.status()).as(path).isEqualTo(404);
      assertEnvelope(answer, "route_not_found");
    }
  }

  @Test
  void oversizedHeadersAre431() throws IOException {
    Answer answer =
        Answer.parse(
            untilClosed(
                "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: "
                    + "a".repeat(MAX_HEADERS + 1)
                    + "\r\n\r\n"));
    assertThat(answer.status()).isEqualTo(431);
    assertEnvelope(answer, "headers_too_large");
    // Past the HTTP parser's own limit (4 × the limit, at least 64 KiB), which refuses it itself.
    Answer huge =
        Answer.parse(
            untilClosed(
                "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: "
                    + "a".repeat(4 * MAX_HEADERS + 64 * 1024)
                    + "\r\n\r\n"));
    assertThat(huge.status()).isEqualTo(431);
    assertEnvelope(huge, "headers_too_large");
  }

  @Test
  void anOversizedBodyIs413BeforeItIsSent() throws IOException {
    TestUser user = server.newUser();
    // Over the limit, and far over it (past what would be drained to keep the connection).
    for (long size : new long[] {MAX_BODY + 1L, 1L << 40}) {
      Answer answer =
          Answer.parse(
              headersOnly(
                  "POST "
                      + TOKENS
                      + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                      + user.token()
                      + "\r\nContent-Type: application/json\r\nContent-Length: "
                      + size
                      + "\r\n\r\n"));
      assertThat(answer.status()).as("%d bytes", size).isEqualTo(413);
      assertEnvelope(answer, "payload_too_large");
    }
  }

  @Test
  void anOversizedBodyIs413EvenWhereNoBodyIsRead() throws IOException {
    // A GET whose handler reads no body: answering 200 and then closing with the body unread
    // resets the connection under the long answer (the OpenAPI document), cutting it short.
    Answer answer =
        Answer.parse(
            headersOnly(
                "GET /api/v0/openapi.json HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + (MAX_BODY + 1L)
                    + "\r\n\r\n"));
    assertThat(answer.status()).isEqualTo(413);
    assertEnvelope(answer, "payload_too_large");
  }

  @Test
  void malformedRequestsGetTheEnvelopeAndAnAccessLine() throws IOException {
    for (String request :
        List.of(
            "NOT A REQUEST\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n",
            "GET /healthz HTTP/1.1\r\n\r\n", // HTTP/1.1 without Host
            "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n")) {
      accessLines.clear();
      Answer answer = Answer.parse(untilClosed(request));
      assertThat(answer.status()).as(request).isEqualTo(400);
      assertEnvelope(answer, "bad_request");
      String requestId = answer.header("X-Request-Id");
      assertThat(accessLines)
          .as("the access line of %s", request)
          .anySatisfy(line -> assertThat(line.getMessage()).contains(" 400 ").endsWith(requestId));
    }
  }

  @Test
  void everyAnswerHasItsAccessLine() throws IOException {
    accessLines.clear();
    untilClosed("GET /healthz HTTP/1.0\r\n\r\n");
    untilClosed("HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    untilClosed("get /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    headersOnly(
        "POST "
            + TOKENS
            + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            + "Content-Type: application/json\r\nContent-Length: 20\r\n\r\n");
    headersOnly(
        "POST " + TOKENS + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + (1L << 40) + "\r\n\r\n");
    assertThat(accessLines.stream().map(LogRecord::getMessage).toList())
        .anySatisfy(line -> assertThat(line).startsWith("GET /healthz 200 "))
        .anySatisfy(line -> assertThat(line).startsWith("HEAD /healthz 200 "))
        // The method as sent: `get` is not GET, and the line says what came.
        .anySatisfy(line -> assertThat(line).startsWith("get /healthz 405 "))
        .anySatisfy(line -> assertThat(line).startsWith("POST " + TOKENS + " 401 "))
        .anySatisfy(line -> assertThat(line).startsWith("POST " + TOKENS + " 413 "));
  }

  private static void assertEnvelope(Answer answer, String code) {
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    assertThat(answer.body())
        .contains("\"code\":\"" + code + "\"")
        .contains("\"request_id\":\"" + answer.header("X-Request-Id") + "\"");
  }

  /** Sends the request and its headers with {@code Connection: close}; all read until the end. */
  private String closing(String requestLineAndHeaders, String body) throws IOException {
    return untilClosed(requestLineAndHeaders + "Host: x\r\nConnection: close\r\n\r\n" + body);
  }

  /** Sends {@code request} as is; everything read until the server ends the connection. */
  private String untilClosed(String request) throws IOException {
    try (Socket socket = connect()) {
      write(socket.getOutputStream(), request);
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * Sends a request line and headers announcing a body that is never sent; everything read until
   * the server ends the connection. A server that waits for the body hangs here (and fails).
   */
  private String headersOnly(String requestLineAndHeaders) throws IOException {
    return untilClosed(requestLineAndHeaders);
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

  /** One answer: its status line, headers and the body as framed by Content-Length. */
  record Answer(String statusLine, List<String> headers, String body) {
    int status() {
      return Integer.parseInt(statusLine.split(" ", 3)[1]);
    }

    String header(String name) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      for (String line : headers) {
        if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
          return line.substring(prefix.length()).strip();
        }
      }
      return null;
    }

    /** The first answer in {@code raw}, skipping interim (1xx) ones; the body is the rest. */
    static Answer parse(String raw) {
      assertThat(raw).as("an answer").contains("\r\n\r\n");
      int end = raw.indexOf("\r\n\r\n");
      List<String> lines = List.of(raw.substring(0, end).split("\r\n"));
      Answer answer =
          new Answer(lines.getFirst(), lines.subList(1, lines.size()), raw.substring(end + 4));
      assertThat(answer.status())
          .as("no interim answer before a refusal: %s", raw)
          .isGreaterThanOrEqualTo(200);
      String length = answer.header("Content-Length");
      if (length != null) {
        assertThat(answer.body().getBytes(StandardCharsets.ISO_8859_1))
            .hasSize(Integer.parseInt(length));
      }
      return answer;
    }

    /** Reads the next answer's status line and headers. */
    static Answer readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (true) {
        int b = in.read();
        assertThat(b).as("an answer before the end of the stream").isNotNegative();
        head.write(b);
        String sofar = head.toString(StandardCharsets.ISO_8859_1);
        if (sofar.endsWith("\r\n\r\n")) {
          List<String> lines = List.of(sofar.substring(0, sofar.length() - 4).split("\r\n"));
          return new Answer(lines.getFirst(), lines.subList(1, lines.size()), "");
        }
      }
    }

    /** Reads the next answer, its body by Content-Length. */
    static Answer read(InputStream in) throws IOException {
      Answer head = readHead(in);
      String length = head.header("Content-Length");
      assertThat(length).as("a Content-Length").isNotNull();
      byte[] body = in.readNBytes(Integer.parseInt(length));
      return new Answer(
          head.statusLine(), head.headers(), new String(body, StandardCharsets.UTF_8));
    }
  }
}
