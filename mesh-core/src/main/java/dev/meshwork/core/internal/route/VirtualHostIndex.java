package dev.meshwork.core.internal.route;

import dev.meshwork.core.internal.model.RouteModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Envoy's virtual host choice: exact domains, then suffix wildcards ({@code *.foo.com},
 * {@code *-bar.foo.com}), then prefix wildcards ({@code foo.*}), longest wildcard first, then
 * {@code *}. A wildcard never matches the empty string. Domains and hosts compare case-blind.
 *
 * <p>Ports: the authority is tried as given ({@code reviews:9080} matches a domain
 * {@code reviews:9080}, as Istio emits), then without its port, and only then {@code *}; so an
 * exact name wins over the catch-all whether or not the caller's authority has a port.
 */
final class VirtualHostIndex {
  private record Wildcard(String part, int vh) {}

  private final Map<String, Integer> exact = new HashMap<>();
  private final Wildcard[] suffixes;
  private final Wildcard[] prefixes;
  private final int star;

  VirtualHostIndex(List<RouteModel.VirtualHost> hosts) {
    List<Wildcard> suffix = new ArrayList<>();
    List<Wildcard> prefix = new ArrayList<>();
    int any = -1;
    for (int i = 0; i < hosts.size(); i++) {
      for (String d : hosts.get(i).domains()) {
        String domain = d.toLowerCase(Locale.ROOT);
        if (domain.equals("*")) {
          any = any < 0 ? i : any;
        } else if (domain.startsWith("*")) {
          suffix.add(new Wildcard(domain.substring(1), i));
        } else if (domain.endsWith("*")) {
          prefix.add(new Wildcard(domain.substring(0, domain.length() - 1), i));
        } else {
          exact.putIfAbsent(domain, i); // the parser rejects duplicates; first one wins otherwise
        }
      }
    }
    Comparator<Wildcard> longestFirst = Comparator.comparingInt((Wildcard w) -> w.part.length()).reversed();
    suffix.sort(longestFirst);
    prefix.sort(longestFirst);
    this.suffixes = suffix.toArray(Wildcard[]::new);
    this.prefixes = prefix.toArray(Wildcard[]::new);
    this.star = any;
  }

  /** Index of the virtual host for {@code authority}, or -1. */
  int find(String authority) {
    String host = lowerCase(authority == null ? "" : authority);
    int vh = named(host);
    if (vh < 0) {
      int colon = portColon(host);
      if (colon >= 0) {
        vh = named(host.substring(0, colon));
      }
    }
    return vh >= 0 ? vh : star;
  }

  private int named(String host) {
    Integer e = exact.get(host);
    if (e != null) {
      return e;
    }
    for (Wildcard w : suffixes) {
      if (host.length() > w.part.length() && host.endsWith(w.part)) {
        return w.vh;
      }
    }
    for (Wildcard w : prefixes) {
      if (host.length() > w.part.length() && host.startsWith(w.part)) {
        return w.vh;
      }
    }
    return -1;
  }

  /** The ':' before a port, or -1; IPv6 literals are bracketed ({@code [::1]:80}). */
  private static int portColon(String host) {
    int colon = host.lastIndexOf(':');
    if (colon < 0 || host.indexOf(']') > colon || (host.indexOf(':') != colon && !host.startsWith("["))) {
      return -1;
    }
    return colon;
  }

  /** Allocates only for authorities that have upper-case letters (rare: clients send lower case). */
  private static String lowerCase(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z' || c > 127) {
        return s.toLowerCase(Locale.ROOT);
      }
    }
    return s;
  }
}
