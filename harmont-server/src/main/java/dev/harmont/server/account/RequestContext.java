package dev.harmont.server.account;

/**
 * Where a change came from, recorded with its security event: the client's address, its user agent
 * and the id of the request (the response's {@code X-Request-Id}). The HTTP layer builds one per
 * request and passes it to every {@link AccountService} method that changes an account; operator
 * actions, which have no request, pass {@link #OPERATOR}.
 *
 * @param ip the client address as the server determined it (trusted proxies considered), or null
 * @param userAgent the {@code User-Agent} header, at most {@link #MAX_USER_AGENT_LENGTH} characters
 *     without control characters, or null when absent
 * @param requestId the request's id, or null when there is no request
 */
public record RequestContext(String ip, String userAgent, String requestId) {
  /** Longer user agents are cut: they are for recognising a client, not for storing essays. */
  public static final int MAX_USER_AGENT_LENGTH = 256;

  /** An operator's action through {@code harmont admin}, without HTTP. */
  public static final RequestContext OPERATOR = new RequestContext(null, "harmont admin", null);

  public RequestContext {
    userAgent = cleanUserAgent(userAgent);
  }

  private static String cleanUserAgent(String raw) {
    if (raw == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX_USER_AGENT_LENGTH));
    raw.codePoints()
        .filter(c -> !Character.isISOControl(c))
        .limit(MAX_USER_AGENT_LENGTH)
        .forEach(out::appendCodePoint);
    String cleaned = out.toString().strip();
    return cleaned.isEmpty() ? null : cleaned;
  }
}
