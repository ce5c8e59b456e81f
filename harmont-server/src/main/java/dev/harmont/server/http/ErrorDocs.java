package dev.harmont.server.http;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The pages that {@code doc_url} points at: one per catalog code (what happened, how to fix it) and
 * an index. Generated from {@link ErrorCode}, so they can never drift from the catalog.
 */
final class ErrorDocs {
  static final String PATH = "/docs/errors";

  void index(Request req, Response res) {
    StringBuilder rows = new StringBuilder();
    for (ErrorCode code : ErrorCode.values()) {
      rows.append("<tr><td><a href=\"")
          .append(PATH)
          .append('/')
          .append(code.code())
          .append("\"><code>")
          .append(code.code())
          .append("</code></a></td><td>")
          .append(code.status())
          .append("</td><td><code>")
          .append(code.type())
          .append("</code></td><td>")
          .append(escape(code.message()))
          .append("</td></tr>\n");
    }
    html(
        res,
        "Harmont API errors",
        "<p>Every error answers with <code>{\"error\": {\"type\", \"code\", \"message\","
            + " \"doc_url\", \"request_id\"}}</code>. Quote the <code>request_id</code> when you"
            + " report a problem.</p>\n<table><tr><th>code</th><th>status</th><th>type</th>"
            + "<th>message</th></tr>\n"
            + rows
            + "</table>");
  }

  void page(Request req, Response res) {
    String wanted = Routes.parameter(req);
    ErrorCode code =
        Arrays.stream(ErrorCode.values())
            .filter(c -> c.code().equals(wanted.toLowerCase(Locale.ROOT)))
            .findFirst()
            .orElseThrow(
                () -> new HarmontException(ErrorCode.ROUTE_NOT_FOUND, "No such error code."));
    html(
        res,
        "Error " + code.code(),
        "<p>HTTP status <b>"
            + code.status()
            + "</b>, type <code>"
            + code.type()
            + "</code>.</p>\n<h2>What happened</h2>\n<p>"
            + escape(code.message())
            + "</p>\n<h2>How to fix it</h2>\n<p>"
            + escape(code.fix())
            + "</p>\n<p><a href=\""
            + PATH
            + "\">All error codes</a> · <a href=\"/api/v0/openapi.json\">API reference"
            + " (OpenAPI)</a></p>");
  }

  private static void html(Response res, String title, String body) {
    String page =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
            + escape(title)
            + "</title></head>\n<body><h1>"
            + escape(title)
            + "</h1>\n"
            + body
            + "\n</body></html>\n";
    res.header("Content-Type", "text/html; charset=utf-8");
    res.send(page.getBytes(StandardCharsets.UTF_8));
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
