package dev.meshwork.core.internal.identity;

import java.security.PrivateKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One issued identity, immutable: the private key, the chain this workload presents (leaf first,
 * then intermediates; no root) and the trusted roots. Published by one volatile swap.
 *
 * @param alias key-manager alias naming this snapshot, so a handshake racing a rotation still
 *     gets a key and a chain that belong together
 */
public record CertSnapshot(String alias, PrivateKey key, List<X509Certificate> chain, List<X509Certificate> roots,
    Set<TrustAnchor> anchors) {
  public CertSnapshot {
    chain = List.copyOf(chain);
    roots = List.copyOf(roots);
    anchors = Set.copyOf(anchors);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("chain: empty (expected: the leaf at least)");
    }
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("roots: empty (expected: at least one trusted root)");
    }
  }

  /**
   * A snapshot from the CA's answer: {@code issued} is [leaf, intermediates..., root]; roots are
   * the trust bundle's, or the chain's last certificate when there is no bundle.
   */
  public static CertSnapshot of(PrivateKey key, List<X509Certificate> issued, List<X509Certificate> bundle) {
    if (issued.isEmpty()) {
      throw new IllegalArgumentException("cert_chain: empty (expected: leaf, intermediates..., root)");
    }
    List<X509Certificate> roots = new ArrayList<>(bundle);
    List<X509Certificate> chain = new ArrayList<>(issued);
    while (chain.size() > 1 && isRoot(chain.get(chain.size() - 1))) {
      X509Certificate root = chain.remove(chain.size() - 1);
      if (bundle.isEmpty()) {
        roots.add(root);
      }
    }
    Set<TrustAnchor> anchors = new LinkedHashSet<>();
    for (X509Certificate r : roots) {
      anchors.add(new TrustAnchor(r, null));
    }
    String alias = "meshwork-" + chain.get(0).getSerialNumber().toString(16);
    return new CertSnapshot(alias, key, chain, roots, anchors);
  }

  private static boolean isRoot(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public Instant notBefore() {
    return leaf().getNotBefore().toInstant();
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  public Duration lifetime() {
    return Duration.between(notBefore(), notAfter());
  }

  /** Serial number in hex, as {@code openssl x509 -serial} prints it. */
  public String serial() {
    return leaf().getSerialNumber().toString(16);
  }
}
