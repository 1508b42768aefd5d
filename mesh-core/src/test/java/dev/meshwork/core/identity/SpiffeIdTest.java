package dev.meshwork.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.identity.Csr;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;

class SpiffeIdTest {
  static final String ID = "spiffe://cluster.local/ns/shop/sa/reviews";
  final TestCa ca = new TestCa("root", new ManualScheduler.ManualClock());

  @Test
  void parse_roundTrips() {
    SpiffeId id = SpiffeId.parse(ID);
    assertEquals(new SpiffeId("cluster.local", "shop", "reviews"), id);
    assertEquals(ID, id.toString());
  }

  @Test
  void parse_rejectsOtherShapes_namingInput() {
    for (String bad : new String[] {"http://cluster.local/ns/a/sa/b", "spiffe://cluster.local/ns/a",
        "spiffe://cluster.local/ns//sa/b", "spiffe:///ns/a/sa/b", "spiffe://td/sa/a/ns/b", "spiffe://td/ns/a/sa/b/c"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpiffeId.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void fromCertificate_readsUriSan_orEmpty() {
    assertEquals(Optional.of(SpiffeId.parse(ID)),
        SpiffeId.fromCertificate(ca.issue(Csr.newKeyPair().getPublic(), ID, Duration.ofHours(1))));
    assertEquals(Optional.empty(), SpiffeId.fromCertificate(ca.issue(Csr.newKeyPair().getPublic(), null, Duration.ofHours(1))));
    assertEquals(Optional.empty(), SpiffeId.fromCertificate(ca.root()));
  }

  @Test
  void verifyPeer_acceptsExpected_andNamesBothSidesOtherwise() throws Exception {
    X509Certificate[] chain = {ca.issue(Csr.newKeyPair().getPublic(), ID, Duration.ofHours(1))};
    assertEquals(ID, SpiffePeers.verifyPeer(chain, Set.of(ID, "spiffe://cluster.local/ns/shop/sa/ratings")));

    SSLPeerUnverifiedException e = assertThrows(SSLPeerUnverifiedException.class,
        () -> SpiffePeers.verifyPeer(chain, Set.of("spiffe://cluster.local/ns/shop/sa/ratings")));
    assertEquals("peer presented [" + ID + "] (expected one of [spiffe://cluster.local/ns/shop/sa/ratings])",
        e.getMessage());

    X509Certificate[] noSan = {ca.issue(Csr.newKeyPair().getPublic(), null, Duration.ofHours(1))};
    e = assertThrows(SSLPeerUnverifiedException.class, () -> SpiffePeers.verifyPeer(noSan, Set.of(ID)));
    assertTrue(e.getMessage().startsWith("peer presented no SPIFFE ID (subject CN=no-spiffe)"), e.getMessage());

    e = assertThrows(SSLPeerUnverifiedException.class, () -> SpiffePeers.verifyPeer(new X509Certificate[0], Set.of(ID)));
    assertTrue(e.getMessage().contains("no certificate"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SpiffePeers.verifyPeer(chain, Set.of()));
  }

  @Test
  void expectingServer_narrowsTheMeshTrustToTheExpectedIds_inTheHandshakeCheck() throws Exception {
    X509Certificate[] chain = {ca.issue(Csr.newKeyPair().getPublic(), ID, Duration.ofHours(1))};
    javax.net.ssl.X509ExtendedTrustManager anyPeer = new javax.net.ssl.X509ExtendedTrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
      @Override public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
      @Override public void checkClientTrusted(X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}
      @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    };
    assertSame(anyPeer, SpiffePeers.expectingServer(anyPeer, Set.of()), "no expected IDs: any mesh workload");
    var trust = SpiffePeers.expectingServer(anyPeer, Set.of(ID));
    trust.checkServerTrusted(chain, "ECDHE_ECDSA", (java.net.Socket) null);
    java.security.cert.CertificateException e = assertThrows(java.security.cert.CertificateException.class,
        () -> SpiffePeers.expectingServer(anyPeer, Set.of("spiffe://cluster.local/ns/shop/sa/ratings"))
            .checkServerTrusted(chain, "ECDHE_ECDSA", (javax.net.ssl.SSLEngine) null));
    assertEquals("peer presented [" + ID + "] (expected one of [spiffe://cluster.local/ns/shop/sa/ratings])",
        e.getMessage());
  }
}
