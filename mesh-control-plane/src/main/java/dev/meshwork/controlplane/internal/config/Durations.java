package dev.meshwork.controlplane.internal.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

/**
 * Go-style durations as Istio writes them: a sequence of decimal numbers with units, such as
 * {@code 1s}, {@code 1.5s}, {@code 500ms}, {@code 1m30s}, {@code 1h}. Units: h, m, s, ms, us, µs,
 * ns; {@code 0} alone is zero. Negative durations are rejected (Istio has no use for them), and so
 * are values above Go's limit (2^63-1 ns, about 292 years). Stateless and thread-safe.
 */
public final class Durations {
  private static final Map<String, Long> UNIT_NANOS = Map.of(
      "ns", 1L,
      "us", 1_000L,
      "\u00b5s", 1_000L, // micro sign
      "\u03bcs", 1_000L, // Greek mu, both accepted by Go
      "ms", 1_000_000L,
      "s", 1_000_000_000L,
      "m", 60_000_000_000L,
      "h", 3_600_000_000_000L);
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @param path field path used in the exception message
   * @throws IllegalArgumentException {@code "<path>: \"abc\" is not a duration (expected e.g. 1.5s, 500ms)"}
   */
  public static Duration parse(String text, String path) {
    String problem = problem(text, false);
    if (problem != null) {
      throw new IllegalArgumentException(path + ": " + problem);
    }
    return Duration.ofNanos(nanos(text).setScale(0, RoundingMode.DOWN).longValueExact()); // Go truncates
  }

  /**
   * Why {@code text} is not an acceptable duration, or null when it is. With {@code istioLimits},
   * also applies Istio's validation: at least 1ms and millisecond precision.
   */
  static String problem(String text, boolean istioLimits) {
    if (text == null) {
      return "expected a duration (e.g. 1.5s, 500ms), got nothing";
    }
    if (text.startsWith("-")) {
      return Texts.quote(text) + " is negative (expected: >= 0)";
    }
    BigDecimal n = nanos(text);
    if (n == null) {
      return Texts.quote(text) + " is not a duration (expected e.g. 1.5s, 500ms)";
    }
    if (n.compareTo(MAX_NANOS) > 0) {
      return Texts.quote(text) + " is too long (expected: at most 2562047h)";
    }
    if (istioLimits && n.compareTo(BigDecimal.valueOf(1_000_000L)) < 0) {
      return Texts.quote(text) + " is too short (expected: >= 1ms)";
    }
    if (istioLimits && n.remainder(BigDecimal.valueOf(1_000_000L)).signum() != 0) {
      return Texts.quote(text) + " is finer than a millisecond (only durations to ms precision are supported)";
    }
    return null;
  }

  /** Nanoseconds (possibly fractional, possibly huge), or null when the syntax is wrong. */
  private static BigDecimal nanos(String s) {
    int i = s.startsWith("+") ? 1 : 0;
    if (s.substring(i).equals("0")) {
      return BigDecimal.ZERO;
    }
    if (i >= s.length() || s.length() > 100) {
      return null;
    }
    BigDecimal total = BigDecimal.ZERO;
    while (i < s.length()) {
      int start = i;
      boolean digits = false;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) && s.charAt(i) < 128 || s.charAt(i) == '.')) {
        digits |= s.charAt(i) != '.';
        i++;
      }
      String number = s.substring(start, i);
      if (!digits || number.indexOf('.') != number.lastIndexOf('.')) {
        return null;
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      Long unit = UNIT_NANOS.get(s.substring(unitStart, i));
      if (unit == null) {
        return null;
      }
      BigDecimal value = new BigDecimal(number.startsWith(".") ? "0" + number : number.endsWith(".") ? number + "0" : number);
      total = total.add(value.multiply(BigDecimal.valueOf(unit)));
    }
    return total;
  }
}
