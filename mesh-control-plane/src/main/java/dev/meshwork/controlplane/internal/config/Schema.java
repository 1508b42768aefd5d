package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The keys an Istio object may have: the ones Meshwork applies, the ones Istio defines but Meshwork
 * does not apply yet (an error, never silently ignored), and custom messages for common mistakes.
 * Immutable; the builder-style methods return copies.
 */
final class Schema {
  private final List<String> known;
  private final Map<String, String> unsupported;
  private final Map<String, Function<String, String>> hints;

  private Schema(List<String> known, Map<String, String> unsupported, Map<String, Function<String, String>> hints) {
    this.known = List.copyOf(known);
    this.unsupported = Map.copyOf(unsupported);
    this.hints = Map.copyOf(hints);
  }

  static Schema of(String... known) {
    return new Schema(List.of(known), Map.of(), Map.of());
  }

  /** Keys Istio defines that Meshwork rejects with "not supported by Meshwork yet". */
  Schema unsupported(String... keys) {
    Map<String, String> u = new LinkedHashMap<>(unsupported);
    for (String k : keys) {
      u.put(k, "");
    }
    return new Schema(known, u, hints);
  }

  /** Like {@link #unsupported(String...)} with a reason appended to the message. */
  Schema unsupported(String key, String reason) {
    Map<String, String> u = new LinkedHashMap<>(unsupported);
    u.put(key, " (" + reason + ")");
    return new Schema(known, u, hints);
  }

  /** A custom message for an unknown key; the function receives the path of the object. */
  Schema hint(String key, Function<String, String> message) {
    Map<String, Function<String, String>> h = new LinkedHashMap<>(hints);
    h.put(key, message);
    return new Schema(known, unsupported, h);
  }

  boolean isKnown(String key) {
    return known.contains(key);
  }

  /** Reports every key of {@code node} (a mapping) that is not known, in YAML order. */
  void check(DocContext ctx, String path, JsonNode node) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = e.getKey();
      if (known.contains(key)) {
        continue;
      }
      String keyPath = ObjectReader.child(path, key);
      if (unsupported.containsKey(key)) {
        ctx.error(keyPath, "not supported by Meshwork yet" + unsupported.get(key));
      } else if (hints.containsKey(key)) {
        ctx.error(keyPath, hints.get(key).apply(path));
      } else {
        ctx.error(keyPath, unknownMessage(key));
      }
    }
  }

  private String unknownMessage(String key) {
    List<String> close = new ArrayList<>();
    for (String k : known) {
      if (distance(k.toLowerCase(), key.toLowerCase()) <= Math.max(1, Math.min(2, k.length() / 4))) {
        close.add(k);
      }
    }
    String suggestion = close.isEmpty() ? "" : "did you mean " + String.join(" or ", close) + "? ";
    return "unknown field (" + suggestion + "known: " + String.join(", ", known) + ")";
  }

  /** Edit distance counting a swap of adjacent letters as one edit (optimal string alignment). */
  private static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 3 || a.length() > 64 || b.length() > 64) {
      return Integer.MAX_VALUE;
    }
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      for (int j = 0; j <= b.length(); j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j;
          continue;
        }
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
