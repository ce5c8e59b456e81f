package dev.harmont.cloud;

import java.io.Serializable;

/**
 * The body of an error response (the contract's {@code Error} envelope, {@code {"error":{...}}}),
 * as carried by {@link HarmontException#apiError()}.
 *
 * @param type the stable machine error type, e.g. {@code invalid_request}
 * @param code the catalog code, e.g. {@code api_token_not_found}; branch on this
 * @param message the human-readable message, which says how to fix the request
 * @param docUrl a link to the documentation of this error, or {@code null}
 * @param requestId the id that ties the response to the server's logs, or {@code null}
 */
public record ApiError(String type, String code, String message, String docUrl, String requestId)
    implements Serializable {}
