package dev.meshwork.controlplane.internal.ca;

import java.util.regex.Pattern;

/**
 * A join token and the workload identity it vouches for: whoever presents {@code token} may get a
 * certificate for {@code spiffe://<trust domain>/ns/<namespace>/sa/<serviceAccount>}. Immutable;
 * {@link #toString()} never shows the token.
 *
 * @param token the secret, sent by the workload as {@code authorization: Bearer <token>}
 * @param namespace the workload's namespace (a DNS label-like name)
 * @param serviceAccount the workload's service account (a DNS subdomain-like name)
 */
public record JoinToken(String token, String namespace, String serviceAccount) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+"); // visible ASCII, fits a header

  /** Validates all three fields; messages never contain the token. */
  public JoinToken {
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw new IllegalArgumentException("token: empty or not printable ASCII without spaces");
    }
    checkName("namespace", namespace);
    checkName("serviceAccount", serviceAccount);
  }

  /** The SPIFFE ID this token may ask a certificate for. */
  public String spiffeId(String trustDomain) {
    return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  /** Shows the identity, not the token. */
  @Override
  public String toString() {
    return "JoinToken[ns/" + namespace + "/sa/" + serviceAccount + "]";
  }

  private static void checkName(String field, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(field + ": " + (value == null ? "null" : "\"" + value + "\"")
          + " (expected: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)");
    }
  }
}
