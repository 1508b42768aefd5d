package dev.meshwork.core.internal.xds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFileTest {
  private static final Instant SAVED = Instant.parse("2026-03-04T05:06:07.890Z");
  private static final Map<String, Map<String, byte[]>> CONTENT = Map.of(
      TypeUrls.LISTENER, Map.of("reviews", new byte[] {1, 2, 3}, "ratings", new byte[0]),
      TypeUrls.CLUSTER, Map.of("outbound|9080||reviews", new byte[] {9}));

  @TempDir
  Path dir;

  @Test
  void roundTrip_keepsEveryResourceAndTheSaveTime_overwritingAtomically() throws Exception {
    Path file = dir.resolve("sub").resolve("xds-x.snapshot");
    SnapshotFile.write(file, Instant.EPOCH, Map.of());
    SnapshotFile.write(file, SAVED, CONTENT);
    SnapshotFile.Snapshot read = SnapshotFile.read(file);
    assertEquals(SAVED, read.savedAt());
    assertEquals(CONTENT.keySet(), read.resources().keySet());
    assertArrayEquals(new byte[] {1, 2, 3}, read.resources().get(TypeUrls.LISTENER).get("reviews"));
    assertArrayEquals(new byte[0], read.resources().get(TypeUrls.LISTENER).get("ratings"));
    try (var files = Files.list(file.getParent())) {
      assertEquals(1, files.count(), "temp file left behind");
    }
  }

  @Test
  void flippedBodyBit_failsTheChecksum() throws Exception {
    Path file = write();
    byte[] b = Files.readAllBytes(file);
    b[b.length - 2] ^= 0x40;
    Files.write(file, b);
    assertTrue(assertThrows(IOException.class, () -> SnapshotFile.read(file)).getMessage().contains("checksum"));
  }

  @Test
  void truncatedFile_isRejected() throws Exception {
    Path file = write();
    byte[] b = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(b, b.length - 1));
    assertTrue(assertThrows(IOException.class, () -> SnapshotFile.read(file)).getMessage().contains("header says"));
    Files.write(file, Arrays.copyOf(b, 10));
    assertTrue(assertThrows(IOException.class, () -> SnapshotFile.read(file)).getMessage().contains("truncated"));
  }

  @Test
  void unknownFormatVersion_isRejected() throws Exception {
    Path file = write();
    byte[] b = Files.readAllBytes(file);
    ByteBuffer.wrap(b).putInt(8, 99);
    Files.write(file, b);
    assertTrue(assertThrows(IOException.class, () -> SnapshotFile.read(file)).getMessage().contains("version 99"));
  }

  @Test
  void pathFor_keepsOnlySafeCharacters() {
    assertEquals(dir.resolve("xds-outbound_9080__reviews_.._x.snapshot"),
        SnapshotFile.pathFor(dir, "outbound|9080||reviews/../x"));
  }

  private Path write() throws IOException {
    Path file = dir.resolve("xds-x.snapshot");
    SnapshotFile.write(file, SAVED, CONTENT);
    return file;
  }
}
