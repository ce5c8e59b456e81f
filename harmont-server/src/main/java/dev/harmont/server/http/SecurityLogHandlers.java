package dev.harmont.server.http;

import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.SecurityLog;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import java.util.List;

/** getCurrentToken ("which key is this") and listEvents (the security log). */
final class SecurityLogHandlers {
  private final SecurityLog securityLog;

  SecurityLogHandlers(SecurityLog securityLog) {
    this.securityLog = securityLog;
  }

  void getCurrentToken(Request req, Response res, Authenticated who) {
    Responses.json(res, 200, Wire.currentToken(who));
  }

  void listEvents(Request req, Response res, Authenticated who) {
    String limit = single(req, "limit", ErrorCode.EVENTS_LIMIT_INVALID);
    String before = single(req, "before", ErrorCode.EVENTS_CURSOR_INVALID);
    Responses.json(res, 200, Wire.eventPage(securityLog.listEvents(who, limit(limit), before)));
  }

  /** The parameter's one value, null when absent; repeated is as wrong as malformed. */
  private static String single(Request req, String name, ErrorCode invalid) {
    List<String> values = req.queryValues(name);
    if (values.isEmpty()) {
      return null;
    }
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
