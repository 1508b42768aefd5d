package dev.meshwork.controlplane.internal.ca;

import static dev.meshwork.controlplane.internal.ca.CaTestSupport.SPIFFE;
import static dev.meshwork.controlplane.internal.ca.CaTestSupport.TD;
import static dev.meshwork.controlplane.internal.ca.CaTestSupport.csr;
import static dev.meshwork.controlplane.internal.ca.CaTestSupport.dns;
import static dev.meshwork.controlplane.internal.ca.CaTestSupport.ec;
import static dev.meshwork.controlplane.internal.ca.CaTestSupport.rsa;
import static dev.meshwork.controlplane.internal.ca.CaTestSupport.uri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
  static final String TOKEN = "s3cret-reviews-token";
  static final KeyPair ROOT_KEYS = CaCertificates.newEcKeyPair();
  static final SigningCa ROOT = root();

  static SigningCa root() {
    try {
      return new SigningCa(ROOT_KEYS.getPrivate(), List.of(CaCertificates.selfSignedRoot(ROOT_KEYS, TD, Instant.now())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static CertificateAuthority ca(Clock clock, Duration defaultTtl, Duration maxTtl) {
    CaConfig config = new CaConfig(TD, null, null, null, null, null, List.of(), List.of(), defaultTtl, maxTtl);
    return new CertificateAuthority(TD, ROOT, List.of(),
        List.of(new JoinToken(TOKEN, "default", "reviews"), new JoinToken("other-token", "shop", "ratings")), config, clock);
  }

  static CertificateAuthority ca() {
    return ca(Clock.systemUTC(), Duration.ofHours(24), Duration.ofHours(24));
  }

  @Test
  void goodCsr_issuesLeafWhoseChainValidatesAgainstTheRoot() throws Exception {
    CertificateAuthority ca = ca();
    var issued = ca.createCertificate("Bearer " + TOKEN, csr(ec("secp256r1"), uri(SPIFFE)), 0, "test");
    List<X509Certificate> chain = CaTestSupport.parse(issued.chainPem());
    assertEquals(2, chain.size());
    assertEquals(ROOT.root(), chain.get(1));
    CaTestSupport.validate(chain, ROOT.root());
    X509Certificate leaf = chain.get(0);
    assertEquals(List.of(List.of(6, SPIFFE)), List.copyOf(leaf.getSubjectAlternativeNames()));
    assertTrue(leaf.getCriticalExtensionOIDs().contains("2.5.29.17"), "SAN critical with an empty subject");
    assertEquals("", leaf.getSubjectX500Principal().getName());
    assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage());
    assertEquals(-1, leaf.getBasicConstraints());
    assertTrue(leaf.getKeyUsage()[0] && leaf.getKeyUsage()[2], "digitalSignature + keyEncipherment");
    assertTrue(leaf.getSerialNumber().signum() > 0);
    assertTrue(leaf.getExtensionValue("2.5.29.14") != null && leaf.getExtensionValue("2.5.29.35") != null, "SKI/AKI");
    assertEquals(1, ca.issuedCount());
    assertNotEquals(leaf.getSerialNumber(), CaTestSupport.parse(ca.createCertificate("Bearer " + TOKEN,
        csr(rsa(2048), uri(SPIFFE)), 0, "test").chainPem()).get(0).getSerialNumber());
    CaTestSupport.parse(ca.createCertificate("bearer " + TOKEN, csr(ec("secp384r1"), uri(SPIFFE)), 0, "t").chainPem());
  }

  @Test
  void ttl_defaultWhenZero_requestedWhenShorter_cappedAtMax_neverBeyondTheCa() throws Exception {
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    CertificateAuthority ca = ca(Clock.fixed(now, ZoneOffset.UTC), Duration.ofHours(2), Duration.ofHours(6));
    assertEquals(now.plus(Duration.ofHours(2)), notAfter(ca, 0));
    assertEquals(now.plus(Duration.ofHours(1)), notAfter(ca, 3600));
    assertEquals(now.plus(Duration.ofHours(6)), notAfter(ca, 365L * 24 * 3600));
    assertEquals(now.plus(Duration.ofHours(6)), notAfter(ca, Long.MAX_VALUE));
    X509Certificate leaf = leaf(ca, 0);
    assertEquals(now.minus(Duration.ofMinutes(1)), leaf.getNotBefore().toInstant());

    Instant caExpiry = ROOT.root().getNotAfter().toInstant();
    CertificateAuthority late = ca(Clock.fixed(caExpiry.minus(Duration.ofHours(1)), ZoneOffset.UTC), Duration.ofHours(24),
        Duration.ofHours(24));
    assertEquals(caExpiry, notAfter(late, 0));
    CertificateAuthority expired = ca(Clock.fixed(caExpiry.plusSeconds(1), ZoneOffset.UTC), Duration.ofHours(24),
        Duration.ofHours(24));
    refused(expired, "Bearer " + TOKEN, csr(ec("secp256r1"), uri(SPIFFE)), 0, Status.Code.FAILED_PRECONDITION,
        "the CA's signing certificate expired at");
  }

  private static X509Certificate leaf(CertificateAuthority ca, long seconds) throws Exception {
    return CaTestSupport.parse(ca.createCertificate("Bearer " + TOKEN, csr(ec("secp256r1"), uri(SPIFFE)), seconds, "t")
        .chainPem()).get(0);
  }

  private static Instant notAfter(CertificateAuthority ca, long seconds) throws Exception {
    return leaf(ca, seconds).getNotAfter().toInstant();
  }

  @Test
  void refusals_sayWhy() throws Exception {
    CertificateAuthority ca = ca();
    String good = csr(ec("secp256r1"), uri(SPIFFE));
    refused(ca, null, good, 0, Status.Code.UNAUTHENTICATED, "no credential: send the join token as metadata 'authorization: Bearer <token>'");
    refused(ca, "Basic abc", good, 0, Status.Code.UNAUTHENTICATED, "authorization metadata is not 'Bearer <token>'");
    refused(ca, "Bearer wrong", good, 0, Status.Code.UNAUTHENTICATED, "unknown join token");
    refused(ca, "Bearer " + TOKEN, csr(ec("secp256r1"), uri("spiffe://cluster.local/ns/shop/sa/ratings")), 0,
        Status.Code.PERMISSION_DENIED, "csr asks for spiffe://cluster.local/ns/shop/sa/ratings but this join token only"
            + " allows " + SPIFFE);
    refused(ca, "Bearer " + TOKEN, csr(ec("secp256r1"), uri("spiffe://other.domain/ns/default/sa/reviews")), 0,
        Status.Code.PERMISSION_DENIED, "csr asks for spiffe://other.domain/ns/default/sa/reviews");
    refused(ca, "Bearer " + TOKEN, "not a csr", 0, Status.Code.INVALID_ARGUMENT,
        "csr: no PEM CERTIFICATE REQUEST block (PKCS#10) found");
    refused(ca, "Bearer " + TOKEN, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", 0,
        Status.Code.INVALID_ARGUMENT, "csr: not a parseable PEM CERTIFICATE REQUEST");
    refused(ca, "Bearer " + TOKEN, "", 0, Status.Code.INVALID_ARGUMENT, "csr: empty");
    refused(ca, "Bearer " + TOKEN, csr(ec("secp256r1"), ec("secp256r1"), uri(SPIFFE)), 0, Status.Code.INVALID_ARGUMENT,
        "csr: signature does not verify with the request's own public key");
    refused(ca, "Bearer " + TOKEN, csr(rsa(1024), uri(SPIFFE)), 0, Status.Code.INVALID_ARGUMENT,
        "csr: RSA key of 1024 bits (expected: at least 2048)");
    refused(ca, "Bearer " + TOKEN, csr(ec("secp521r1"), uri(SPIFFE)), 0, Status.Code.INVALID_ARGUMENT,
        "csr: EC key on curve 1.3.132.0.35 (expected: P-256 or P-384)");
    refused(ca, "Bearer " + TOKEN, csr(ec("secp256r1"), uri(SPIFFE), dns("reviews")), 0, Status.Code.INVALID_ARGUMENT,
        "csr: requests SANs [" + SPIFFE + ", DNS:reviews] (expected exactly one URI SAN: " + SPIFFE + ")");
    refused(ca, "Bearer " + TOKEN, csr(ec("secp256r1"), uri(SPIFFE), uri(SPIFFE)), 0, Status.Code.INVALID_ARGUMENT,
        "csr: requests SANs [" + SPIFFE + ", " + SPIFFE + "]");
    refused(ca, "Bearer " + TOKEN, csr(ec("secp256r1")), 0, Status.Code.INVALID_ARGUMENT,
        "csr: requests no subject alternative name (expected exactly one URI SAN: " + SPIFFE + ")");
    refused(ca, "Bearer " + TOKEN, good, -5, Status.Code.INVALID_ARGUMENT,
        "validity_duration: -5 (expected: >= 0 seconds; 0 asks for the default)");
    assertEquals(15, ca.refusedCount());
    assertEquals(0, ca.issuedCount());
    assertEquals(15L, ca.adminView().get("refused"));
  }

  @Test
  void issuedAndRefused_areCountedOnMeters_byReason() throws Exception {
    var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    CaConfig config = new CaConfig(TD, null, null, null, null, null, List.of(), List.of(), Duration.ofHours(24),
        Duration.ofHours(24));
    CertificateAuthority ca = new CertificateAuthority(TD, ROOT, List.of(), List.of(new JoinToken(TOKEN, "default", "reviews")),
        config, Clock.systemUTC(), meters);
    ca.createCertificate("Bearer " + TOKEN, csr(ec("secp256r1"), uri(SPIFFE)), 0, "t");
    refused(ca, null, csr(ec("secp256r1"), uri(SPIFFE)), 0, Status.Code.UNAUTHENTICATED, "no credential");
    refused(ca, "Bearer nope", csr(ec("secp256r1"), uri(SPIFFE)), 0, Status.Code.UNAUTHENTICATED, "unknown join token");
    refused(ca, "Bearer " + TOKEN, "junk", 0, Status.Code.INVALID_ARGUMENT, "csr:");
    assertEquals(1, meters.get("meshwork.cp.ca.certificates.issued").counter().count());
    assertEquals(2, meters.get("meshwork.cp.ca.certificates.refused").tag("reason", "UNAUTHENTICATED").counter().count());
    assertEquals(1, meters.get("meshwork.cp.ca.certificates.refused").tag("reason", "INVALID_ARGUMENT").counter().count());
    assertEquals(3L, ca.adminView().get("refused"));
    assertEquals(1L, ca.adminView().get("issued"));
  }

  @Test
  void otherTokenGetsItsOwnIdentity() throws Exception {
    var issued = ca().createCertificate("Bearer other-token", csr(ec("secp256r1"),
        uri("spiffe://cluster.local/ns/shop/sa/ratings")), 0, "t");
    assertEquals("spiffe://cluster.local/ns/shop/sa/ratings",
        CaTestSupport.parse(issued.chainPem()).get(0).getSubjectAlternativeNames().iterator().next().get(1));
  }

  static void refused(CertificateAuthority ca, String auth, String csr, long ttl, Status.Code code, String messageStart) {
    CaRefusal e = assertThrows(CaRefusal.class, () -> ca.createCertificate(auth, csr, ttl, "test"));
    assertEquals(code, e.code(), e.getMessage());
    assertTrue(e.getMessage().startsWith(messageStart), () -> "message: " + e.getMessage());
  }
}
