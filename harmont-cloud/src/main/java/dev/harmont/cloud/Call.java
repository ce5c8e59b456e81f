package dev.harmont.cloud;

/**
 * One API call: its method, its path below the base URL, and its JSON body (or null).
 *
 * <p>Idempotency follows the method: GET, PATCH and DELETE may be retried (sending them twice
 * leaves the same state), POST never is (a second {@code createApiToken} would create a second
 * key).
 */
record Call(String method, String path, byte[] body) {
  static Call get(String path) {
    return new Call("GET", path, null);
  }

  static Call patch(String path, byte[] body) {
    return new Call("PATCH", path, body);
  }

  static Call delete(String path) {
    return new Call("DELETE", path, null);
  }

  static Call post(String path, byte[] body) {
    return new Call("POST", path, body);
  }

  boolean idempotent() {
    return !method.equals("POST");
  }

  /** "GET /api/v0/user", for messages and logs; ids are not secrets, tokens never appear. */
  @Override
  public String toString() {
    return method + " " + path;
  }
}
