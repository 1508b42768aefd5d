package dev.meshwork.core.identity;

import dev.meshwork.core.internal.identity.SpiffeSans;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * A workload's SPIFFE ID in the Istio form {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>}.
 * Immutable and thread-safe; {@link #toString()} is the URI.
 *
 * @param trustDomain e.g. {@code cluster.local}
 * @param namespace e.g. {@code default}
 * @param serviceAccount e.g. {@code reviews}
 */
public record SpiffeId(String trustDomain, String namespace, String serviceAccount) {
  private static final String SCHEME = "spiffe://";

  /** @throws IllegalArgumentException when a part is empty or holds a {@code /} */
  public SpiffeId {
    check("trustDomain", trustDomain);
    check("namespace", namespace);
    check("serviceAccount", serviceAccount);
  }

  private static void check(String name, String value) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty() || value.contains("/")) {
      throw new IllegalArgumentException(name + ": '" + value + "' (expected: non-empty, no '/')");
    }
  }

  /**
   * Parses {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>}.
   *
   * @throws IllegalArgumentException naming the input when it is not of that form
   */
  public static SpiffeId parse(String uri) {
    Objects.requireNonNull(uri, "uri");
    String[] p = uri.startsWith(SCHEME) ? uri.substring(SCHEME.length()).split("/", -1) : new String[0];
    if (p.length != 5 || !p[1].equals("ns") || !p[3].equals("sa") || p[0].isEmpty() || p[2].isEmpty()
        || p[4].isEmpty()) {
      throw new IllegalArgumentException("spiffe ID: '" + uri
          + "' (expected: spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>)");
    }
    return new SpiffeId(p[0], p[2], p[4]);
  }

  /**
   * The ID in the certificate's first URI SAN starting {@code spiffe://}; empty when there is none
   * or it is not of the Istio form. Never throws for a certificate.
   */
  public static Optional<SpiffeId> fromCertificate(X509Certificate cert) {
    for (String uri : SpiffeSans.of(cert)) {
      try {
        return Optional.of(parse(uri));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return SCHEME + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }
}
