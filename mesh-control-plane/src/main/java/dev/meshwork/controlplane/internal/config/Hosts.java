package dev.meshwork.controlplane.internal.config;

import java.util.Locale;

/**
 * Host names as Meshwork keys services. A service is its host as written ({@code reviews}); the
 * cluster-local FQDN forms {@code reviews.<ns>.svc.cluster.local} and {@code reviews.<ns>.svc} map
 * to the same key, their first DNS label. Other hosts ({@code reviews.prod}, {@code api.example.com})
 * are kept as written, lowercased. Note that the namespace of a cluster-local FQDN is dropped: service
 * keys are global. Stateless and thread-safe.
 */
public final class Hosts {
  private Hosts() {}

  /**
   * The service key for a host: lowercased, with {@code .svc.cluster.local} / {@code .svc} FQDNs
   * reduced to their first label (a single trailing dot is ignored). Does not validate.
   */
  public static String serviceKey(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".") && h.length() > 1) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.endsWith(".svc.cluster.local") || h.endsWith(".svc")) {
      int dot = h.indexOf('.');
      return h.substring(0, dot);
    }
    return h;
  }

  /** True for Istio wildcard hosts such as {@code *} and {@code *.example.com}. */
  public static boolean isWildcard(String host) {
    return host.contains("*");
  }

  /**
   * Why a host cannot name a Meshwork service, or null when it can. Hosts must be DNS names whose
   * labels are RFC 1123 labels (case is ignored); the last label may not be all digits, so IP
   * literals are not hosts.
   */
  public static String problem(String host) {
    if (host.isEmpty()) {
      return "host must not be empty";
    }
    if (isWildcard(host)) {
      return "wildcard hosts are not supported (" + Texts.quote(host) + "; name each service)";
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.length() > 253 || !Names.isDnsSubdomain(h)) {
      return Texts.quote(host) + " is not a valid host name (expected DNS labels of lowercase letters, digits and '-')";
    }
    if (h.substring(h.lastIndexOf('.') + 1).chars().allMatch(Character::isDigit)) {
      return Texts.quote(host) + " is not a valid host name (the last label cannot be all digits; IP addresses are not hosts)";
    }
    String key = serviceKey(h);
    if (key.isEmpty()) {
      return Texts.quote(host) + " has no service name before .svc";
    }
    return null;
  }
}
