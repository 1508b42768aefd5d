package dev.meshwork.core.internal.xds;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The on-disk form of the last accepted xDS resources (static stability across restarts).
 *
 * <p>Format version 1, all integers big-endian ({@link DataOutputStream}):
 * <pre>
 * header  magic      8 bytes  ASCII "MWXDSNAP"
 *         version    int32    1
 *         savedAt    int64    epoch millis when the client wrote the file
 *         bodyLength int32    number of body bytes that follow the header
 *         bodyCrc32  int32    CRC-32 (java.util.zip.CRC32) of the body bytes
 * body    typeCount  int32
 *         repeated typeCount times:
 *           typeUrl        modified-UTF-8 string (DataOutput.writeUTF)
 *           resourceCount  int32
 *           repeated resourceCount times:
 *             name    modified-UTF-8 string
 *             length  int32
 *             bytes   the serialized google.protobuf.Any of the resource, as received
 * </pre>
 * A file whose magic, version, length or checksum does not match is rejected whole: a partial
 * config is worse than none. Writes go to a temp file in the same directory, are fsynced, then
 * moved over the old file atomically, so a reader sees the old file or the new one, never a torn one.
 */
final class SnapshotFile {
  static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "MWXDSNAP".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_BYTES = MAGIC.length + 4 + 8 + 4 + 4;
  // A snapshot far beyond any sane mesh config means a wrong or corrupt file; do not load it into memory.
  private static final long MAX_FILE_BYTES = 256L << 20;

  /** Loaded content: type URL → resource name → serialized Any. */
  record Snapshot(Instant savedAt, Map<String, Map<String, byte[]>> resources) {}

  private SnapshotFile() {}

  /** {@code xds-<name>.snapshot} with anything but letters, digits, '.', '_', '-' replaced by '_'. */
  static Path pathFor(Path dir, String name) {
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return dir.resolve("xds-" + (safe.length() > 100 ? safe.substring(0, 100) : safe) + ".snapshot");
  }

  static void write(Path file, Instant savedAt, Map<String, Map<String, byte[]>> resources) throws IOException {
    ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream();
    try (DataOutputStream body = new DataOutputStream(bodyBytes)) {
      body.writeInt(resources.size());
      for (Map.Entry<String, Map<String, byte[]>> type : resources.entrySet()) {
        body.writeUTF(type.getKey());
        body.writeInt(type.getValue().size());
        for (Map.Entry<String, byte[]> r : type.getValue().entrySet()) {
          body.writeUTF(r.getKey());
          body.writeInt(r.getValue().length);
          body.write(r.getValue());
        }
      }
    }
    byte[] b = bodyBytes.toByteArray();
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + b.length);
    out.put(MAGIC).putInt(FORMAT_VERSION).putLong(savedAt.toEpochMilli()).putInt(b.length).putInt(crc(b)).put(b);
    out.flip();

    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        while (out.hasRemaining()) {
          ch.write(out);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    syncDirectory(dir);
  }

  /** Reads and verifies a snapshot; any mismatch is an IOException saying what is wrong. */
  static Snapshot read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new IOException("file is " + size + " bytes (expected: <= " + MAX_FILE_BYTES + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
    if (in.remaining() < HEADER_BYTES) {
      throw new IOException("truncated header (" + in.remaining() + " bytes)");
    }
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a Meshwork xDS snapshot (bad magic)");
    }
    int version = in.getInt();
    if (version != FORMAT_VERSION) {
      throw new IOException("format version " + version + " (expected: " + FORMAT_VERSION + ")");
    }
    Instant savedAt = Instant.ofEpochMilli(in.getLong());
    int length = in.getInt();
    int crc = in.getInt();
    if (length != in.remaining()) {
      throw new IOException("body is " + in.remaining() + " bytes, header says " + length);
    }
    byte[] body = new byte[length];
    in.get(body);
    if (crc(body) != crc) {
      throw new IOException("checksum mismatch (file corrupt)");
    }
    return new Snapshot(savedAt, parseBody(body));
  }

  private static Map<String, Map<String, byte[]>> parseBody(byte[] body) throws IOException {
    Map<String, Map<String, byte[]>> resources = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      int types = in.readInt();
      for (int t = 0; t < types; t++) {
        String typeUrl = in.readUTF();
        int count = in.readInt();
        Map<String, byte[]> byName = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
          String name = in.readUTF();
          int len = in.readInt();
          if (len < 0 || len > in.available()) {
            throw new IOException("resource " + name + " length " + len + " exceeds the body");
          }
          byName.put(name, in.readNBytes(len));
        }
        resources.put(typeUrl, byName);
      }
      if (in.available() != 0) {
        throw new IOException(in.available() + " trailing bytes after the last resource");
      }
    }
    return resources;
  }

  private static int crc(byte[] b) {
    CRC32 crc = new CRC32();
    crc.update(b);
    return (int) crc.getValue();
  }

  // Makes the rename itself durable on Linux; not supported everywhere, and the data is safe anyway.
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort
    }
  }
}
