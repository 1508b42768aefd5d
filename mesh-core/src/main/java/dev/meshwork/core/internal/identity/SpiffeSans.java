package dev.meshwork.core.internal.identity;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads SPIFFE URI SANs from certificates. Stateless, thread-safe. */
public final class SpiffeSans {
  private static final int URI = 6; // GeneralName uniformResourceIdentifier

  private SpiffeSans() {}

  /** Every URI SAN of {@code cert} starting {@code spiffe://} (empty when none or unreadable). */
  public static List<String> of(X509Certificate cert) {
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (sans != null) {
      for (List<?> san : sans) {
        if (((Integer) san.get(0)) == URI && san.get(1) instanceof String s && s.startsWith("spiffe://")) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /** Trust domain of a {@code spiffe://} URI: the part before the first slash after the scheme. */
  public static String trustDomain(String spiffeUri) {
    String rest = spiffeUri.substring("spiffe://".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }
}
