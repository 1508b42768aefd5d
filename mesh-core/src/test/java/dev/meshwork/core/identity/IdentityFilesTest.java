package dev.meshwork.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.identity.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM files grpc-xds's file_watcher provider reads. */
class IdentityFilesTest {
  @TempDir Path tmp;
  final ManualScheduler.ManualClock clock = new ManualScheduler.ManualClock();
  final ManualScheduler scheduler = new ManualScheduler(clock);
  TestCaServer ca;

  @BeforeEach
  void startCa() throws Exception {
    ca = new TestCaServer(new TestCa("root-a", clock));
  }

  @AfterEach
  void stopCa() throws Exception {
    ca.close();
  }

  MeshIdentity start(Path dir) {
    return MeshIdentity.start(MeshIdentityTest.settings(ca.target(), "reviews", TestCaServer.TOKEN),
        IdentityOptions.builder().requestedTtl(Duration.ofHours(1)).clock(clock).scheduler(scheduler).directory(dir)
            .build());
  }

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  static List<X509Certificate> certs(Path p) throws Exception {
    return Pem.certificates(List.of(Files.readString(p)));
  }

  static void assertKeyMatches(Path keyFile, X509Certificate leaf) throws Exception {
    String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
    assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem);
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    s.initVerify(leaf.getPublicKey());
    s.update(new byte[] {1, 2, 3});
    assertTrue(s.verify(sig), "key.pem does not belong to the current leaf");
  }

  static Set<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void files_arePrivate_holdChainKeyAndRoots_andFollowRotation() throws Exception {
    Path dir = tmp.resolve("identity");
    try (MeshIdentity identity = start(dir)) {
      assertEquals(dir, identity.certificateDirectory());
      assertEquals("rwx------", mode(dir));
      for (Path f : List.of(identity.certificateChainFile(), identity.privateKeyFile(), identity.rootCertificateFile())) {
        assertEquals("rw-------", mode(f), f.toString());
      }
      assertEquals(Set.of("cert-chain.pem", "key.pem", "root-cert.pem"), names(dir));
      assertEquals(identity.currentChain(), certs(identity.certificateChainFile()));
      assertEquals(List.of(ca.ca.root()), certs(identity.rootCertificateFile()));
      assertKeyMatches(identity.privateKeyFile(), identity.currentCertificate());

      scheduler.runNext();

      assertEquals(identity.currentChain(), certs(identity.certificateChainFile()));
      assertKeyMatches(identity.privateKeyFile(), identity.currentCertificate());
      assertEquals(Set.of("cert-chain.pem", "key.pem", "root-cert.pem"), names(dir)); // no temp files left
      assertEquals("rw-------", mode(identity.privateKeyFile()));
    }
    assertTrue(Files.exists(dir.resolve("cert-chain.pem")), "a directory the user chose is left alone");
  }

  @Test
  void noDirectory_usesPrivateTempDir_deletedOnClose() throws Exception {
    Path dir;
    try (MeshIdentity identity = start(null)) {
      dir = identity.certificateDirectory();
      assertEquals("rwx------", mode(dir));
      assertTrue(Files.exists(identity.privateKeyFile()));
    }
    assertFalse(Files.exists(dir));
  }
}
