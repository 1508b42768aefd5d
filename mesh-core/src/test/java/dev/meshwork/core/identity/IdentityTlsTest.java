package dev.meshwork.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.identity.Csr;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real TLS handshakes on loopback between identities issued by the test CA, across rotations. */
class IdentityTlsTest {
  static final String REVIEWS = "spiffe://cluster.local/ns/shop/sa/reviews";
  static final Duration HOUR = Duration.ofHours(1);

  final ManualScheduler.ManualClock clock = new ManualScheduler.ManualClock();
  final ManualScheduler serverScheduler = new ManualScheduler(clock);
  final ManualScheduler clientScheduler = new ManualScheduler(clock);
  final ExecutorService acceptor = Executors.newSingleThreadExecutor();
  TestCaServer ca;
  MeshIdentity server;
  MeshIdentity client;

  @BeforeEach
  void start() throws Exception {
    ca = new TestCaServer(new TestCa("root-a", clock));
    server = MeshIdentity.start(MeshIdentityTest.settings(ca.target(), "reviews", TestCaServer.TOKEN), options(serverScheduler));
    client = MeshIdentity.start(MeshIdentityTest.settings(ca.target(), "productpage", TestCaServer.TOKEN),
        options(clientScheduler));
  }

  IdentityOptions options(ManualScheduler scheduler) {
    return IdentityOptions.builder().requestedTtl(HOUR).jitterFraction(0).clock(clock).scheduler(scheduler).build();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    client.close();
    ca.close();
    acceptor.shutdownNow();
  }

  record Seen(BigInteger serverSerial, Optional<SpiffeId> clientAtServer, String verifiedServer) {}

  /** One mutual-TLS connection on a fresh ephemeral port (so no session is resumed). */
  Seen handshake() throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (SSLServerSocket ss = (SSLServerSocket) server.sslContext().getServerSocketFactory().createServerSocket(0, 1, lo)) {
      ss.setNeedClientAuth(true);
      Future<Optional<SpiffeId>> atServer = acceptor.submit(() -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.startHandshake();
          s.getOutputStream().write(1);
          s.getOutputStream().flush();
          s.getInputStream().read();
          return SpiffePeers.peerId(s.getSession());
        }
      });
      try (SSLSocket c = (SSLSocket) client.sslContext().getSocketFactory().createSocket(lo, ss.getLocalPort())) {
        c.startHandshake();
        assertEquals(1, c.getInputStream().read());
        X509Certificate peer = (X509Certificate) c.getSession().getPeerCertificates()[0];
        String verified = SpiffePeers.verifyPeer(c.getSession(), Set.of(REVIEWS));
        c.getOutputStream().write(1);
        c.getOutputStream().flush();
        return new Seen(peer.getSerialNumber(), atServer.get(10, TimeUnit.SECONDS), verified);
      }
    }
  }

  @Test
  void mutualTls_presentsCurrentCertificate_beforeAndAfterRotation_withTheSameObjects() throws Exception {
    SSLContext context = server.sslContext();
    X509ExtendedKeyManager keyManager = server.keyManager();

    Seen before = handshake();
    assertEquals(server.currentCertificate().getSerialNumber(), before.serverSerial());
    assertEquals("spiffe://cluster.local/ns/shop/sa/productpage", before.clientAtServer().orElseThrow().toString());
    assertEquals(REVIEWS, before.verifiedServer());

    serverScheduler.runNext(); // half life: the server rotates
    clientScheduler.runNext();

    Seen after = handshake();
    assertNotEquals(before.serverSerial(), after.serverSerial());
    assertEquals(server.currentCertificate().getSerialNumber(), after.serverSerial());
    assertSame(context, server.sslContext());
    assertSame(keyManager, server.keyManager());
  }

  @Test
  void trustManager_refusesChainFromAnotherCa() {
    TestCa other = new TestCa("root-b", clock);
    X509Certificate leaf = other.issue(Csr.newKeyPair().getPublic(), REVIEWS, HOUR);
    CertificateException e = assertThrows(CertificateException.class,
        () -> client.trustManager().checkServerTrusted(new X509Certificate[] {leaf, other.root()}, "EC"));
    assertTrue(e.getMessage().contains("is not trusted by the mesh trust bundle"), e.getMessage());
  }

  @Test
  void trustManager_refusesCertificateWithoutSpiffeSan() {
    X509Certificate leaf = ca.ca.issue(Csr.newKeyPair().getPublic(), null, HOUR);
    CertificateException e = assertThrows(CertificateException.class,
        () -> client.trustManager().checkServerTrusted(new X509Certificate[] {leaf}, "EC"));
    assertTrue(e.getMessage().contains("no SPIFFE ID"), e.getMessage());
  }

  @Test
  void trustManager_refusesAnotherTrustDomain_andAcceptsOwn() throws Exception {
    X509Certificate foreign = ca.ca.issue(Csr.newKeyPair().getPublic(), "spiffe://other.org/ns/a/sa/b", HOUR);
    CertificateException e = assertThrows(CertificateException.class,
        () -> client.trustManager().checkClientTrusted(new X509Certificate[] {foreign}, "EC"));
    assertTrue(e.getMessage().contains("trust domain other.org (expected: cluster.local)"), e.getMessage());

    X509Certificate own = ca.ca.issue(Csr.newKeyPair().getPublic(), REVIEWS, HOUR);
    client.trustManager().checkClientTrusted(new X509Certificate[] {own, ca.ca.root()}, "EC");
  }

  @Test
  void trustManager_refusesExpiredPeer() {
    X509Certificate leaf = ca.ca.issue(Csr.newKeyPair().getPublic(), REVIEWS, Duration.ofMinutes(1));
    clock.advance(Duration.ofMinutes(2));
    assertThrows(CertificateException.class,
        () -> client.trustManager().checkServerTrusted(new X509Certificate[] {leaf}, "EC"));
  }
}
