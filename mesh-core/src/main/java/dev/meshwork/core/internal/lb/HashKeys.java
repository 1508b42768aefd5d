package dev.meshwork.core.internal.lb;

import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.internal.model.RouteModel;
import java.util.List;

/**
 * A request's hash for ring hash and Maglev, from the route's hash policies as Envoy computes it:
 * each policy that finds its value hashes it with xxHash64; results combine as
 * {@code rotateLeft(previous, 1) ^ next}; a terminal policy that produced a hash (its own or an
 * earlier one) stops the list. Values: a header's first value (Envoy hashes all values of a
 * repeated header; MeshRequest shows only the first), a cookie from the {@code cookie} header
 * (Envoy would also set a missing cookie that has a ttl; a client cannot, so no hash), the
 * caller's address. Stateless.
 */
public final class HashKeys {
  private HashKeys() {}

  /** The hash, or {@link PickContext#NO_HASH} when no policy found a value (the picker then picks at random). */
  public static long compute(List<RouteModel.HashPolicy> policies, MeshRequest req) {
    long hash = 0;
    boolean have = false;
    for (int i = 0; i < policies.size(); i++) {
      RouteModel.HashPolicy p = policies.get(i);
      String value = value(p, req);
      if (value != null) {
        long h = XxHash64.hash(value);
        hash = have ? Long.rotateLeft(hash, 1) ^ h : h;
        have = true;
      }
      if (p.terminal() && have) {
        break;
      }
    }
    if (!have) {
      return PickContext.NO_HASH;
    }
    return hash == PickContext.NO_HASH ? hash + 1 : hash;
  }

  private static String value(RouteModel.HashPolicy p, MeshRequest req) {
    if (p.header() != null) {
      return switch (p.header()) {
        case ":path" -> req.path();
        case ":method" -> req.method();
        default -> req.header(p.header());
      };
    }
    if (p.cookieName() != null) {
      return cookie(req.header("cookie"), p.cookieName());
    }
    return p.sourceIp() ? req.sourceAddress() : null;
  }

  /** The value of cookie {@code name} in a Cookie header ({@code a=1; b="2"}), quotes removed; null when absent. */
  static String cookie(String header, String name) {
    if (header == null) {
      return null;
    }
    int start = 0;
    while (start < header.length()) {
      int end = header.indexOf(';', start);
      if (end < 0) {
        end = header.length();
      }
      int k = start;
      while (k < end && header.charAt(k) == ' ') {
        k++;
      }
      if (header.startsWith(name, k) && k + name.length() < end && header.charAt(k + name.length()) == '=') {
        String v = header.substring(k + name.length() + 1, end).trim();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
      }
      start = end + 1;
    }
    return null;
  }
}
