package dev.harmont.server.http;

import dev.harmont.server.edge.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who the client is, for per-client limits. The TCP peer, unless the peer is a configured trusted
 * proxy: then the right-most address in {@code X-Forwarded-For} that is not itself a trusted proxy.
 * Without trusted proxies the header is ignored, since anyone can send it.
 */
public final class ClientAddress {
  private final Set<String> trustedProxies;

  public ClientAddress(List<String> trustedProxies) {
    this.trustedProxies = Set.copyOf(trustedProxies);
  }

  /** The client address of {@code req}, as a string ({@code 203.0.113.7}). */
  public String of(Request req) {
    String peer = req.peerAddress();
    if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String value : req.headerValues("X-Forwarded-For")) {
      for (String hop : value.split(",")) {
        if (!hop.isBlank()) {
          hops.add(hop.strip());
        }
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      if (!trustedProxies.contains(hops.get(i))) {
        return hops.get(i);
      }
    }
    return hops.isEmpty() ? peer : hops.get(0);
  }
}
