package dev.meshwork.core.identity;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What {@link MeshIdentity#onRotation} listeners receive after a renewal took effect. Immutable.
 *
 * @param chain the chain now presented: leaf first, then intermediates
 * @param trustedRoots every root now trusted (the trust bundle)
 */
public record CertificateRotation(List<X509Certificate> chain, List<X509Certificate> trustedRoots) {
  public CertificateRotation {
    chain = List.copyOf(chain);
    trustedRoots = List.copyOf(trustedRoots);
  }

  /** The new leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }
}
