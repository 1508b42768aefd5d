package dev.meshwork.controlplane.internal.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaDirectoryTest {
  @TempDir Path tmp;

  @Test
  void firstStartGeneratesPrivately_secondStartLoadsTheSameRoot() throws Exception {
    Path dir = tmp.resolve("state/meshwork-ca");
    SigningCa first = CaDirectory.loadOrCreate(dir, "cluster.local");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("root-key.pem"))));
    assertTrue(Files.readString(dir.resolve("root-key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
    assertTrue(Files.readString(dir.resolve("root-cert.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
    assertTrue(first.root().getSubjectX500Principal().getName().contains("O=cluster.local"));
    assertEquals("EC", first.root().getPublicKey().getAlgorithm());
    long years = java.time.Duration.between(first.root().getNotBefore().toInstant(),
        first.root().getNotAfter().toInstant()).toDays() / 365;
    assertEquals(10, years);

    SigningCa second = CaDirectory.loadOrCreate(dir, "cluster.local");
    assertEquals(first.root(), second.root());
    assertArrayEquals(first.key().getEncoded(), second.key().getEncoded());
  }

  @Test
  void concurrentStartsAgreeOnOneRoot() throws Exception {
    Path dir = tmp.resolve("meshwork-ca");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<SigningCa>> all = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        all.add(pool.submit((Callable<SigningCa>) () -> CaDirectory.loadOrCreate(dir, "cluster.local")));
      }
      for (Future<SigningCa> f : all) {
        assertEquals(all.get(0).get().root(), f.get().root());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void halfAStateIsRefused_neverOverwritten() throws Exception {
    Path dir = tmp.resolve("meshwork-ca");
    CaDirectory.loadOrCreate(dir, "cluster.local");
    Files.delete(dir.resolve("root-cert.pem"));
    var e = assertThrows(java.io.IOException.class, () -> CaDirectory.loadOrCreate(dir, "cluster.local"));
    assertEquals("CA directory " + dir + " has root-key.pem but no root-cert.pem: restore it, or remove the directory"
        + " to generate a new root", e.getMessage());
  }

  @Test
  void aKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    CaDirectory.loadOrCreate(a, "cluster.local");
    CaDirectory.loadOrCreate(b, "cluster.local");
    Files.copy(b.resolve("root-key.pem"), a.resolve("root-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    var e = assertThrows(java.io.IOException.class, () -> CaDirectory.loadOrCreate(a, "cluster.local"));
    assertTrue(e.getMessage().endsWith("root-key.pem does not match " + a.resolve("root-cert.pem")), e.getMessage());
  }
}
