package dev.meshwork.core.internal.identity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few DER encodings a PKCS#10 request needs (X.690): each method returns one complete
 * tag-length-value. Stateless and thread-safe.
 */
final class Der {
  static final int SEQUENCE = 0x30;
  static final int SET = 0x31;
  static final int CONTEXT_0_CONSTRUCTED = 0xA0;
  static final int CONTEXT_6_PRIMITIVE = 0x86; // GeneralName uniformResourceIdentifier [6] IA5String

  private Der() {}

  /** One TLV with the given tag around the concatenated contents. */
  static byte[] tlv(int tag, byte[]... contents) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] c : contents) {
      body.writeBytes(c);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    writeLength(out, body.size());
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  static byte[] sequence(byte[]... contents) {
    return tlv(SEQUENCE, contents);
  }

  static byte[] set(byte[]... contents) {
    return tlv(SET, contents);
  }

  /** A small non-negative INTEGER (versions). */
  static byte[] integer(int value) {
    if (value < 0 || value > 127) {
      throw new IllegalArgumentException("value: " + value + " (expected: 0..127)");
    }
    return new byte[] {0x02, 0x01, (byte) value};
  }

  static byte[] bool(boolean value) {
    return new byte[] {0x01, 0x01, (byte) (value ? 0xFF : 0x00)};
  }

  static byte[] octetString(byte[] value) {
    return tlv(0x04, value);
  }

  /** A BIT STRING with no unused bits. */
  static byte[] bitString(byte[] value) {
    return tlv(0x03, new byte[] {0}, value);
  }

  static byte[] ia5(int tag, String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) > 0x7F) {
        throw new IllegalArgumentException("IA5String: non-ASCII character in " + value);
      }
    }
    return tlv(tag, value.getBytes(StandardCharsets.US_ASCII));
  }

  /** An OBJECT IDENTIFIER from its dotted form, e.g. {@code 2.5.29.17}. */
  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeBase128(body, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      writeBase128(body, Long.parseLong(arcs[i]));
    }
    return tlv(0x06, body.toByteArray());
  }

  private static void writeBase128(ByteArrayOutputStream out, long v) {
    int groups = 1;
    for (long t = v >>> 7; t != 0; t >>>= 7) {
      groups++;
    }
    for (int g = groups - 1; g >= 0; g--) {
      int b = (int) ((v >>> (7 * g)) & 0x7F);
      out.write(g == 0 ? b : b | 0x80);
    }
  }

  private static void writeLength(ByteArrayOutputStream out, int len) {
    if (len < 0x80) {
      out.write(len);
      return;
    }
    int bytes = len > 0xFFFFFF ? 4 : len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1;
    out.write(0x80 | bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      out.write(len >>> (8 * i));
    }
  }
}
