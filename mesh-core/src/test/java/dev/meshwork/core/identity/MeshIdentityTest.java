package dev.meshwork.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.MeshSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshIdentityTest {
  static final Duration HOUR = Duration.ofHours(1);

  @TempDir Path dir;
  final ManualScheduler.ManualClock clock = new ManualScheduler.ManualClock();
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  TestCaServer ca;
  MeshIdentity identity;

  @BeforeEach
  void startCa() throws Exception {
    ca = new TestCaServer(new TestCa("root-a", clock));
  }

  @AfterEach
  void stop() throws Exception {
    if (identity != null) {
      identity.close();
    }
    ca.close();
  }

  static MeshSettings settings(String target, String sa, String token) {
    return MeshSettings.builder().controlPlane(target).service(sa).serviceAccount(sa).namespace("shop")
        .identityToken(token).build();
  }

  IdentityOptions.Builder options() {
    return IdentityOptions.builder().requestedTtl(HOUR).jitterFraction(0).clock(clock).scheduler(scheduler)
        .directory(dir.resolve("certs")).meterRegistry(meters).startTimeout(Duration.ofSeconds(10));
  }

  MeshIdentity start() {
    identity = MeshIdentity.start(settings(ca.target(), "reviews", TestCaServer.TOKEN), options().build());
    return identity;
  }

  static void assertAbout(Duration expected, Duration actual, Duration tolerance) {
    assertTrue(actual.minus(expected).abs().compareTo(tolerance) <= 0, "expected ~" + expected + ", was " + actual);
  }

  double expirySeconds() {
    return meters.get("meshwork.identity.certificate.expiry.seconds").tag("service", "reviews").gauge().value();
  }

  double renewals(String result) {
    return meters.get("meshwork.identity.renewals").tag("result", result).counter().count();
  }

  @Test
  void start_returnsWithFirstCertificateForItsSpiffeId_andSchedulesRenewalAtHalfLife() {
    start();
    X509Certificate leaf = identity.currentCertificate();
    assertEquals("spiffe://cluster.local/ns/shop/sa/reviews", SpiffeId.fromCertificate(leaf).orElseThrow().toString());
    assertEquals(List.of(leaf), identity.currentChain());
    assertEquals(List.of(ca.ca.root()), identity.trustedRoots());
    assertEquals(3600, ca.lastRequestedSeconds);
    assertEquals("EC", leaf.getPublicKey().getAlgorithm());
    assertAbout(Duration.ofMinutes(30), scheduler.nextDelay(), Duration.ofSeconds(2));
    assertAbout(HOUR, Duration.ofSeconds((long) expirySeconds()), Duration.ofSeconds(2));
  }

  @Test
  void zeroTtl_leavesLifetimeToTheCa() {
    ca.defaultTtl = Duration.ofMinutes(10);
    identity = MeshIdentity.start(settings(ca.target(), "reviews", TestCaServer.TOKEN),
        options().requestedTtl(Duration.ZERO).build());
    assertEquals(0, ca.lastRequestedSeconds);
    assertAbout(Duration.ofMinutes(5), scheduler.nextDelay(), Duration.ofSeconds(2));
  }

  @Test
  void renewal_atHalfLife_bringsNewSerialAndFreshKey_andTellsListeners() {
    start();
    X509Certificate first = identity.currentCertificate();
    List<CertificateRotation> seen = new ArrayList<>();
    identity.onRotation(seen::add);

    scheduler.runNext();

    X509Certificate second = identity.currentCertificate();
    assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
    assertNotEquals(first.getPublicKey(), second.getPublicKey());
    assertEquals(1, seen.size());
    assertEquals(second, seen.get(0).leaf());
    assertEquals(1.0, renewals("ok"));
    assertAbout(HOUR, Duration.ofSeconds((long) expirySeconds()), Duration.ofSeconds(2));
    assertAbout(Duration.ofMinutes(30), scheduler.nextDelay(), Duration.ofSeconds(2));
  }

  @Test
  void caDown_keepsCertificate_retriesWithGrowingBackoff_thenRenewsWhenBack() {
    start();
    X509Certificate first = identity.currentCertificate();
    ca.down = true;

    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      scheduler.runNext();
      assertEquals(first, identity.currentCertificate());
      delays.add(scheduler.nextDelay());
    }
    assertEquals(4.0, renewals("failed"));
    // Exponential (x2) with ±50% randomization from 1s: 0.5-1.5s, 1-3s, 2-6s, 4-12s.
    for (int i = 0; i < 4; i++) {
      long base = 1000L << i;
      long ms = delays.get(i).toMillis();
      assertTrue(ms >= base / 2 && ms <= base * 3 / 2, "retry " + (i + 1) + " after " + ms + " ms");
    }
    assertTrue(expirySeconds() < 1800 && expirySeconds() > 1700, "expiry gauge " + expirySeconds());

    ca.down = false;
    scheduler.runNext();
    assertNotEquals(first.getSerialNumber(), identity.currentCertificate().getSerialNumber());
    assertEquals(1.0, renewals("ok"));
    assertAbout(Duration.ofMinutes(30), scheduler.nextDelay(), Duration.ofSeconds(2));
  }

  @Test
  void start_refusedByCa_namesControlPlaneAndReason() {
    IdentityException e = assertThrows(IdentityException.class,
        () -> MeshIdentity.start(settings(ca.target(), "reviews", "wrong-token"), options().build()));
    assertTrue(e.getMessage().contains(ca.target()), e.getMessage());
    assertTrue(e.getMessage().contains("UNAUTHENTICATED: join token not recognised"), e.getMessage());
    assertTrue(e.getMessage().contains("spiffe://cluster.local/ns/shop/sa/reviews"), e.getMessage());
  }

  @Test
  void start_unreachableControlPlane_failsAfterTimeoutNamingIt() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String target = "127.0.0.1:" + port;
    IdentityException e = assertThrows(IdentityException.class, () -> MeshIdentity.start(
        settings(target, "reviews", TestCaServer.TOKEN), options().startTimeout(Duration.ofMillis(300)).build()));
    assertTrue(e.getMessage().contains("no certificate for spiffe://cluster.local/ns/shop/sa/reviews from control plane "
        + target + " within PT0.3S"), e.getMessage());
  }

  @Test
  void start_withoutToken_isAnArgumentError() {
    assertThrows(IllegalArgumentException.class,
        () -> MeshIdentity.start(settings(ca.target(), "reviews", ""), options().build()));
  }

  @Test
  void close_stopsRenewal_andRemovesMeters() {
    start();
    identity.close();
    assertEquals(0, scheduler.pending());
    assertTrue(meters.find("meshwork.identity.renewals").meters().isEmpty());
    identity = null;
  }

  @Test
  void options_rejectNonsense() {
    assertThrows(IllegalArgumentException.class, () -> IdentityOptions.builder().renewalFraction(1.0).build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IdentityOptions.builder().renewalFraction(0.5).jitterFraction(0.6).build());
    assertTrue(e.getMessage().startsWith("jitterFraction: 0.6"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> IdentityOptions.builder().requestedTtl(Duration.ofSeconds(-1))
        .build());
  }
}
