package dev.meshwork.controlplane.internal.config;

import java.util.regex.Pattern;

/**
 * Syntax checks for Kubernetes names, label maps and IP literals. IP checks are pure string
 * parsing: they never resolve a name (InetAddress would fall back to a DNS lookup). Thread-safe.
 */
final class Names {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");

  private Names() {}

  /** RFC 1123 label as Kubernetes checks it: lowercase alphanumerics and '-', at most 63. */
  static boolean isDnsLabel(String s) {
    return s.length() <= 63 && DNS_LABEL.matcher(s).matches();
  }

  /** RFC 1123 subdomain (Kubernetes object names): dot-separated labels, at most 253. */
  static boolean isDnsSubdomain(String s) {
    if (s.isEmpty() || s.length() > 253) {
      return false;
    }
    for (String label : s.split("\\.", -1)) {
      if (!isDnsLabel(label)) {
        return false;
      }
    }
    return true;
  }

  /** Why a Kubernetes label key/value pair is invalid, or null. */
  static String labelProblem(String key, String value) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      if (!isDnsSubdomain(key.substring(0, slash))) {
        return "label key " + Texts.quote(key) + " has an invalid prefix (expected a DNS subdomain before '/')";
      }
      name = key.substring(slash + 1);
    }
    if (name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      return "label key " + Texts.quote(key)
          + " is invalid (expected at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric)";
    }
    if (!value.isEmpty() && (value.length() > 63 || !LABEL_NAME.matcher(value).matches())) {
      return "label value " + Texts.quote(value)
          + " is invalid (expected at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric)";
    }
    return null;
  }

  static boolean isIpLiteral(String s) {
    return isIpv4(s) || isIpv6(s);
  }

  /** An IP literal or a CIDR block such as 10.0.0.0/8 or 2001:db8::/32. */
  static boolean isIpOrCidr(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) {
      return isIpLiteral(s);
    }
    String ip = s.substring(0, slash);
    String bits = s.substring(slash + 1);
    if (!bits.matches("0|[1-9][0-9]{0,2}")) {
      return false;
    }
    int n = Integer.parseInt(bits);
    return isIpv4(ip) ? n <= 32 : isIpv6(ip) && n <= 128;
  }

  /** Dotted quad, no leading zeros (as Go's netip, which Istio uses). */
  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (!p.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** RFC 4291 text form, including "::" compression and a trailing dotted quad; no zone. */
  static boolean isIpv6(String s) {
    if (s.length() < 2 || s.length() > 45 || s.indexOf(':') < 0) {
      return false;
    }
    int lastColon = s.lastIndexOf(':');
    String tail = s.substring(lastColon + 1);
    String hex = s;
    if (tail.indexOf('.') >= 0) {
      if (!isIpv4(tail)) {
        return false;
      }
      hex = s.substring(0, lastColon + 1) + "0:0"; // the quad counts as two groups
    }
    int dbl = hex.indexOf("::");
    if (dbl != hex.lastIndexOf("::")) {
      return false;
    }
    if (dbl < 0) {
      return groups(hex) == 8;
    }
    int left = dbl == 0 ? 0 : groups(hex.substring(0, dbl));
    int right = dbl + 2 == hex.length() ? 0 : groups(hex.substring(dbl + 2));
    return left >= 0 && right >= 0 && left + right <= 7;
  }

  /** Number of ':'-separated hex groups, or -1 when one is malformed. */
  private static int groups(String s) {
    String[] parts = s.split(":", -1);
    for (String p : parts) {
      if (!HEX_GROUP.matcher(p).matches()) {
        return -1;
      }
    }
    return parts.length;
  }
}
