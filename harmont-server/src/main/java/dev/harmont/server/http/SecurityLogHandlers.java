package dev.harmont.server.http;

import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.SecurityLog;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/** getCurrentToken ("which key is this") and listEvents (the security log). */
final class SecurityLogHandlers {
  private final SecurityLog securityLog;

  SecurityLogHandlers(SecurityLog securityLog) {
    this.securityLog = securityLog;
  }

  void getCurrentToken(ServerRequest req, ServerResponse res, Authenticated who) {
    Responses.json(res, Status.OK_200, Wire.currentToken(who));
  }

  void listEvents(ServerRequest req, ServerResponse res, Authenticated who) {
    UriQuery query = req.query();
    String limit = single(query, "limit", ErrorCode.EVENTS_LIMIT_INVALID);
    String before = single(query, "before", ErrorCode.EVENTS_CURSOR_INVALID);
    Responses.json(
        res, Status.OK_200, Wire.eventPage(securityLog.listEvents(who, limit(limit), before)));
  }

  /** The parameter's one value, null when absent; repeated is as wrong as malformed. */
  private static String single(UriQuery query, String name, ErrorCode invalid) {
    if (!query.contains(name)) {
      return null;
    }
    List<String> values = query.all(name);
    if (values.size() != 1) {
      throw new HarmontException(invalid);
    }
    return values.get(0);
  }

  private static int limit(String text) {
    if (text == null) {
      return SecurityLog.DEFAULT_EVENTS_PER_PAGE;
    }
    if (!text.matches("[0-9]{1,4}")) {
      throw new HarmontException(ErrorCode.EVENTS_LIMIT_INVALID);
    }
    return Integer.parseInt(text);
  }
}
