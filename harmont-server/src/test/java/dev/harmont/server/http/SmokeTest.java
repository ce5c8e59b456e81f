package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void smoke() throws Exception {
    try (TestServer server = TestServer.start()) {
      TestUser u = server.newUser();
      HttpClient c = HttpClient.newHttpClient();
      for (String[] r :
          new String[][] {
            {"GET", "/api/v0/user", ""},
            {"GET", "/api/v0/user/api-tokens", ""},
            {"POST", "/api/v0/user/api-tokens", "{\"description\":\"x\"}"},
            {"PATCH", "/api/v0/user", "{\"name\":\"  Ada  \"}"},
            {"PUT", "/api/v0/user", ""},
            {"GET", "/nope", ""},
            {"DELETE", "/api/v0/user/api-tokens/a%2Fb", ""},
            {"DELETE", "/api/v0/user/api-tokens/x/../y", ""},
            {"POST", "/api/v0/user/api-tokens", "{\"description\":1}"},
            {"POST", "/api/v0/user/api-tokens", "[1]"},
            {"GET", "/readyz", ""},
          }) {
        HttpRequest.Builder b =
            HttpRequest.newBuilder(URI.create(server.baseUri() + r[1]))
                .header("Authorization", "Bearer " + u.token())
                .header("Content-Type", "application/json")
                .method(r[0], HttpRequest.BodyPublishers.ofString(r[2]));
        HttpResponse<String> resp = c.send(b.build(), HttpResponse.BodyHandlers.ofString());
        System.out.println(
            r[0]
                + " "
                + r[1]
                + " -> "
                + resp.statusCode()
                + " "
                + resp.headers().map()
                + " "
                + resp.body());
      }
      assertThat(u.token()).startsWith("hm_");
    }
  }
}
