package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A failure nobody planned for is a 500 in the envelope, and nothing of its internals leaks. */
class InternalErrorTest {

  @Test
  void anUnexpectedFailureIsInternalErrorWithoutInternals() throws Exception {
    try (TestServer server = TestServer.start()) {
      TestUser user = server.newUser();
      // Injected fault: the pools are closed under the running server.
      server.server().database().close();

      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(server.baseUri().resolve("/api/v0/user"))
                      .header("Authorization", "Bearer " + user.token())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(500);
      JsonNode error = new ObjectMapper().readTree(response.body()).get("error");
      assertThat(error.get("code").asText()).isEqualTo("internal_error");
      assertThat(error.get("type").asText()).isEqualTo("api_error");
      assertThat(error.get("request_id").asText())
          .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
      assertThat(response.body())
          .doesNotContainIgnoringCase("hikari")
          .doesNotContainIgnoringCase("sql");
    }
  }
}
