package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.testing.Api.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Our document is served without auth and is a superset of the upstream contract. */
class OpenApiDocumentTest extends ServerSuite {
  private static final Path UPSTREAM = Path.of("..", "spec", "upstream-user-api.openapi.json");
  private static final Path UPSTREAM_ERRORS =
      Path.of("..", "spec", "upstream-error-catalog.user.json");

  private JsonNode served() {
    Response response = api.get("/api/v0/openapi.json", null);
    assertThat(response.status()).isEqualTo(200);
    return response.json();
  }

  @Test
  void everyUpstreamOperationIsThereWithItsIdAndStatuses() throws IOException {
    JsonNode upstream = new ObjectMapper().readTree(Files.readString(UPSTREAM));
    JsonNode ours = served();

    Iterator<Map.Entry<String, JsonNode>> paths = upstream.get("paths").properties().iterator();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue()
          .properties()
          .iterator()
          .forEachRemaining(
              op -> {
                JsonNode mine = ours.path("paths").path(path.getKey()).path(op.getKey());
                assertThat(mine.isObject()).as(op.getKey() + " " + path.getKey()).isTrue();
                assertThat(mine.get("operationId").asText())
                    .isEqualTo(op.getValue().get("operationId").asText());
                op.getValue()
                    .get("responses")
                    .fieldNames()
                    .forEachRemaining(
                        status ->
                            assertThat(mine.get("responses").has(status)).as(status).isTrue());
              });
    }
  }

  @Test
  void everyUpstreamSchemaPropertyKeepsItsNameAndType() throws IOException {
    JsonNode upstream = new ObjectMapper().readTree(Files.readString(UPSTREAM));
    JsonNode ours = served().at("/components/schemas");

    upstream
        .at("/components/schemas")
        .properties()
        .iterator()
        .forEachRemaining(
            schema ->
                schema
                    .getValue()
                    .path("properties")
                    .properties()
                    .iterator()
                    .forEachRemaining(
                        property -> {
                          JsonNode mine =
                              ours.path(schema.getKey()).path("properties").path(property.getKey());
                          assertThat(mine.isObject())
                              .as(schema.getKey() + "." + property.getKey())
                              .isTrue();
                          assertThat(mine.path("type").asText(""))
                              .isEqualTo(property.getValue().path("type").asText(""));
                        }));
  }

  @Test
  void theErrorCodeEnumIsTheWholeCatalog() {
    Set<String> documented = new TreeSet<>();
    served()
        .at("/components/schemas/Error/properties/error/properties/code/enum")
        .forEach(code -> documented.add(code.asText()));

    assertThat(documented)
        .isEqualTo(
            Arrays.stream(ErrorCode.values())
                .map(ErrorCode::code)
                .collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void upstreamCodesKeepTheirExactStatusTypeAndMessage() throws IOException {
    JsonNode catalog = new ObjectMapper().readTree(Files.readString(UPSTREAM_ERRORS));

    for (JsonNode entry : catalog) {
      ErrorCode code =
          ErrorCode.valueOf(entry.get("code").asText().toUpperCase(java.util.Locale.ROOT));
      assertThat(code.status()).isEqualTo(entry.get("http_status").asInt());
      assertThat(code.type()).isEqualTo(entry.get("type").asText());
      assertThat(code.message()).isEqualTo(entry.get("message").asText());
      assertThat(code.isUpstream()).isTrue();
    }
  }
}
