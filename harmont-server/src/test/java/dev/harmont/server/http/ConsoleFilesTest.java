package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.Api.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The web console's files over real HTTP: one page for its paths, assets with ETags and 304s, the
 * security headers, and the API's JSON 404 for anything else.
 */
class ConsoleFilesTest extends ServerSuite {
  private static final List<String> PAGES =
      List.of("/", "/sign-in", "/cli/authorize", "/sign-up", "/recover");
  private static final Pattern REFERENCED = Pattern.compile("(?:href|src)=\"(/assets/[^\"]+)\"");
  private static final Pattern IMPORTED = Pattern.compile("from '\\./([a-z-]+\\.js)'");

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve(path));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertSecurityHeaders(HttpResponse<String> response) {
    String csp = response.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp)
        .contains(
            "default-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "require-trusted-types-for 'script'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "*", "data:", "http");
    assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
  }

  @Test
  void everyConsolePathServesTheSamePageWithTheSecurityHeaders() throws Exception {
    String first = null;
    for (String path : PAGES) {
      HttpResponse<String> page = get(path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertSecurityHeaders(page);
      assertThat(page.body()).contains("<script type=\"module\" src=\"/assets/main.js\">");
      if (first == null) {
        first = page.body();
      }
      assertThat(page.body()).isEqualTo(first);
    }
    // No inline script or style: the CSP would refuse them anyway.
    assertThat(first).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain("style=");
  }

  @Test
  void everyReferencedAssetIsServedWithItsTypeAndNoHtmlSinkIsUsed() throws Exception {
    String page = get("/").body();
    List<String> assets = new java.util.ArrayList<>();
    Matcher m = REFERENCED.matcher(page);
    while (m.find()) {
      assets.add(m.group(1));
    }
    for (int i = 0; i < assets.size(); i++) {
      HttpResponse<String> asset = get(assets.get(i));
      assertThat(asset.statusCode()).as(assets.get(i)).isEqualTo(200);
      assertSecurityHeaders(asset);
      String type = asset.headers().firstValue("Content-Type").orElseThrow();
      if (assets.get(i).endsWith(".js")) {
        assertThat(type).isEqualTo("text/javascript; charset=utf-8");
        assertThat(asset.body())
            .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write")
            .doesNotContain("eval(", "new Function");
        Matcher imports = IMPORTED.matcher(asset.body());
        while (imports.find()) {
          String imported = "/assets/" + imports.group(1);
          if (!assets.contains(imported)) {
            assets.add(imported);
          }
        }
      }
    }
    assertThat(assets)
        .contains(
            "/assets/console.css",
            "/assets/api.js",
            "/assets/session.js",
            "/assets/sign-in.js",
            "/assets/profile.js",
            "/assets/keys.js",
            "/assets/security-log.js",
            "/assets/delete-account.js");
  }

  @Test
  void assetsCarryAnEtagAndAnswer304WhenUnchanged() throws Exception {
    HttpResponse<String> first = get("/assets/main.js");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).matches("\"[0-9a-f]{32}\"");

    HttpResponse<String> again = get("/assets/main.js", "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.headers().firstValue("ETag")).hasValue(etag);

    assertThat(get("/assets/main.js", "If-None-Match", "\"other\", W/" + etag).statusCode())
        .isEqualTo(304);
    assertThat(get("/assets/main.js", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    assertThat(get("/", "If-None-Match", get("/").headers().firstValue("ETag").orElseThrow()))
        .satisfies(r -> assertThat(r.statusCode()).isEqualTo(304));
  }

  @Test
  void theServedFilesAreTheOnesInTheJar() throws Exception {
    try (InputStream in =
        getClass().getResourceAsStream("/dev/harmont/server/web/assets/console.css")) {
      String css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(get("/assets/console.css").body()).isEqualTo(css);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void unknownPathsKeepTheJsonNotFoundAndTheApiStaysNoStore() {
    for (String path :
        List.of("/assets/nope.js", "/assets/../index.html", "/nope", "/index.html")) {
      Response response = api.get(path, null);
      assertThat(response.status()).as(path).isEqualTo(404);
      assertThat(response.code()).isEqualTo("route_not_found");
    }
    assertThat(api.get("/api/v0/openapi.json", null).header("Cache-Control")).isEqualTo("no-store");
    Response post = api.post("/", null, "{}");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).isEqualTo("GET");
  }
}
