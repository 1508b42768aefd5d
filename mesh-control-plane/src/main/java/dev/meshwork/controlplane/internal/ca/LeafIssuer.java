package dev.meshwork.controlplane.internal.ca;

import io.grpc.Status;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * Signs workload certificates: SPIFFE URI SAN (critical, empty subject), CA:false, key usage
 * digitalSignature + keyEncipherment, extended key usage serverAuth + clientAuth, SKI/AKI, a random
 * 128-bit serial, notBefore back-dated one minute. Immutable, thread-safe.
 */
final class LeafIssuer {
  private final SigningCa ca;
  private final Duration defaultTtl;
  private final Duration maxTtl;
  private final Clock clock;
  private final List<String> chainPem;

  LeafIssuer(SigningCa ca, Duration defaultTtl, Duration maxTtl, Clock clock) {
    this.ca = ca;
    this.defaultTtl = defaultTtl;
    this.maxTtl = maxTtl;
    this.clock = clock;
    this.chainPem = ca.chain().stream().map(Pem::encode).toList();
  }

  /** A certificate issued, and the PEM chain to return: leaf, intermediates, root. */
  record Issued(X509Certificate leaf, List<String> chainPem) {}

  Issued issue(JoinToken identity, String trustDomain, String csrPem, long validitySeconds) throws CaRefusal {
    if (validitySeconds < 0) {
      throw new CaRefusal(Status.Code.INVALID_ARGUMENT,
          "validity_duration: " + validitySeconds + " (expected: >= 0 seconds; 0 asks for the default)");
    }
    String uri = identity.spiffeId(trustDomain);
    PublicKey key = CsrPolicy.check(csrPem, uri);
    Instant now = clock.instant();
    Instant caExpiry = ca.certificate().getNotAfter().toInstant();
    if (!caExpiry.isAfter(now)) {
      throw new CaRefusal(Status.Code.FAILED_PRECONDITION, "the CA's signing certificate expired at " + caExpiry);
    }
    Instant notAfter = now.plus(ttl(validitySeconds));
    if (notAfter.isAfter(caExpiry)) {
      notAfter = caExpiry;
    }
    X509Certificate leaf = sign(key, uri, now.minus(CaCertificates.CLOCK_SKEW), notAfter);
    List<String> chain = new ArrayList<>(chainPem.size() + 1);
    chain.add(Pem.encode(leaf));
    chain.addAll(chainPem);
    return new Issued(leaf, List.copyOf(chain));
  }

  /** The TTL granted for a request: 0 means the default, anything above the maximum is capped. */
  Duration ttl(long validitySeconds) {
    if (validitySeconds == 0) {
      return defaultTtl;
    }
    return validitySeconds >= maxTtl.getSeconds() ? maxTtl : Duration.ofSeconds(validitySeconds);
  }

  private X509Certificate sign(PublicKey key, String uri, Instant notBefore, Instant notAfter) {
    X509Certificate issuer = ca.certificate();
    BigInteger serial = CaCertificates.randomSerial();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore),
        Date.from(notAfter), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), key);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      // RFC 5280 4.2.1.6: with an empty subject the SAN extension must be critical.
      b.addExtension(Extension.subjectAlternativeName, true,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
      b.addExtension(Extension.authorityKeyIdentifier, false, CaCertificates.authorityKeyId(issuer));
      return Pem.toX509(b.build(CaCertificates.signer(ca.key())));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + uri, e);
    }
  }

}
