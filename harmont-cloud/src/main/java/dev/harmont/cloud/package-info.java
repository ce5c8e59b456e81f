/**
 * The Java SDK for the Harmont User API.
 *
 * <p>Build one {@link dev.harmont.cloud.HarmontClient} and share it: it is immutable and
 * thread-safe. Its methods are named after the API's operations ({@code getCurrentUser}, {@code
 * updateCurrentUser}, {@code deleteCurrentUser}, {@code listApiTokens}, {@code createApiToken},
 * {@code revokeApiToken}, {@code logout}) and return immutable records. Every failure is an
 * unchecked {@link dev.harmont.cloud.HarmontException}; its subclasses say what went wrong
 * (authentication, not found, invalid request, rate limited, server, connection).
 *
 * <p>The only dependencies are the JDK's {@link java.net.http.HttpClient} and Jackson.
 */
package dev.harmont.cloud;
