package dev.meshwork.core.internal.model.parse;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.time.Duration;

/** Proto field conversions shared by the parsers; each throws {@link BadField} on bad values. */
final class Protos {
  static final String TYPE_PREFIX = "type.googleapis.com/";
  static final int MILLION = 1_000_000;

  private Protos() {}

  static Duration duration(com.google.protobuf.Duration d) {
    if (d.getSeconds() < 0 || d.getNanos() < 0) {
      throw new BadField("", "is negative: " + d.getSeconds() + "s (expected: >= 0)");
    }
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  /**
   * A uint32 proto value as a long. Java protos hold uint32 in an int, so values above
   * Integer.MAX_VALUE (our control plane's "unlimited" 0xFFFFFFFF) would otherwise read negative.
   */
  static long uint32(int bits) {
    return Integer.toUnsignedLong(bits);
  }

  /** A uint32 that must fit a Java int (weights, counts). */
  static int uint32AsInt(int bits) {
    if (bits < 0) {
      throw new BadField("", uint32(bits) + " is too large (expected: <= " + Integer.MAX_VALUE + ")");
    }
    return bits;
  }

  /** FractionalPercent in parts per million; a numerator above its denominator means 100% (Envoy clamps). */
  static int perMillion(FractionalPercent p) {
    long numerator = uint32(p.getNumerator());
    long scale = switch (p.getDenominator()) {
      case HUNDRED -> 10_000;
      case TEN_THOUSAND -> 100;
      case MILLION -> 1;
      default -> throw new BadField("denominator", p.getDenominator() + " is not supported");
    };
    return (int) Math.min(MILLION, numerator * scale);
  }

  /** RuntimeFractionalPercent's default_value per million (we have no runtime); {@code absent} when unset. */
  static int perMillion(RuntimeFractionalPercent p, boolean present, int absent) {
    if (!present) {
      return absent;
    }
    return BadField.at("default_value", () -> perMillion(p.getDefaultValue()));
  }

  /** The message name of an Any's type URL, e.g. {@code envoy.extensions.filters.http.fault.v3.HTTPFault}. */
  static String typeName(Any any) {
    String url = any.getTypeUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  static <M extends Message> M unpack(Any any, Class<M> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new BadField("", "cannot be decoded as " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Quoted for messages, so empty and odd values stay visible. */
  static String quote(String s) {
    return "\"" + s + "\"";
  }
}
