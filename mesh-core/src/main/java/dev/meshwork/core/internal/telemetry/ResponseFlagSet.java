package dev.meshwork.core.internal.telemetry;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Envoy's response flags as a bit set, formatted as Envoy's {@code %RESPONSE_FLAGS%} and Istio's
 * {@code response_flags} label: {@code -} for none, else the short names joined by commas in
 * Envoy's order ({@code UF,URX}, {@code DI,DC}), whatever order they were set in.
 */
public final class ResponseFlagSet {
  /** Envoy's {@code ResponseFlagUtils::ALL_RESPONSE_STRINGS_FLAGS} order. */
  private static final String[] ORDER = {"LH", "UH", "UT", "LR", "UR", "UF", "UC", "UO", "NR", "DI", "FI", "RL",
      "UAEX", "RLSE", "DC", "URX", "SI", "IH", "DPE", "UMSDR", "RFCF", "NFCF", "DT", "UPE", "NC", "OM", "DF", "DO"};
  /** Formatted sets of two or more flags (single flags are the constants above): few per process. */
  private static final ConcurrentHashMap<Integer, String> JOINED = new ConcurrentHashMap<>();

  private ResponseFlagSet() {}

  /** The bit of {@code flag}, an Envoy short name such as {@code UF}. */
  public static int bit(String flag) {
    for (int i = 0; i < ORDER.length; i++) {
      if (ORDER[i].equals(flag)) {
        return 1 << i;
      }
    }
    throw new IllegalArgumentException("not an Envoy response flag: " + flag);
  }

  /** {@code -}, one flag, or several joined by commas in Envoy's order. */
  public static String format(int bits) {
    if (bits == 0) {
      return "-";
    }
    if (Integer.bitCount(bits) == 1) {
      return ORDER[Integer.numberOfTrailingZeros(bits)];
    }
    return JOINED.computeIfAbsent(bits, b -> {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < ORDER.length; i++) {
        if ((b & (1 << i)) != 0) {
          s.append(s.isEmpty() ? "" : ",").append(ORDER[i]);
        }
      }
      return s.toString();
    });
  }
}
