package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML mapping with typed getters that track the field path. Every getter reports a
 * problem to the {@link DocContext} and returns null (or an empty collection) instead of throwing,
 * so a walk collects every error of a document in one pass. Explicit YAML nulls count as absent,
 * as in Kubernetes. Unknown keys are reported when the reader is created.
 */
final class ObjectReader {
  /** One element of a YAML list, with its path. */
  record Item(String path, JsonNode node) {}

  private final DocContext ctx;
  private final String path;
  private final JsonNode node; // null when the value was not a mapping (already reported)

  private ObjectReader(DocContext ctx, String path, JsonNode node) {
    this.ctx = ctx;
    this.path = path;
    this.node = node;
  }

  static ObjectReader of(DocContext ctx, String path, JsonNode node, Schema schema) {
    if (node == null || !node.isObject()) {
      ctx.error(path, "expected a mapping, got " + Texts.describe(node));
      return new ObjectReader(ctx, path, null);
    }
    schema.check(ctx, path, node);
    return new ObjectReader(ctx, path, node);
  }

  static String child(String parent, String key) {
    boolean plain = !key.isEmpty() && key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-');
    String k = plain ? key : "[" + Texts.quote(key) + "]";
    if (parent.isEmpty()) {
      return k;
    }
    return plain ? parent + "." + k : parent + k;
  }

  static String index(String parent, int i) {
    return parent + "[" + i + "]";
  }

  /** False when the value was not a mapping (already reported); getters then return nothing. */
  boolean valid() {
    return node != null;
  }

  DocContext ctx() {
    return ctx;
  }

  String path() {
    return path;
  }

  String path(String key) {
    return child(path, key);
  }

  /** The value, or null when absent or null. */
  JsonNode get(String key) {
    JsonNode v = node == null ? null : node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  boolean has(String key) {
    return get(key) != null;
  }

  /** Reports "is required" when the key is absent; returns whether it is present. */
  boolean require(String key) {
    if (node != null && get(key) == null) {
      ctx.error(path(key), "is required");
      return false;
    }
    return node != null;
  }

  String string(String key) {
    JsonNode v = get(key);
    return v == null ? null : string(ctx, path(key), v);
  }

  /** A present, non-empty string. */
  String requiredString(String key) {
    if (!require(key)) {
      return null;
    }
    String s = string(key);
    if (s != null && s.isEmpty()) {
      ctx.error(path(key), "must not be empty");
      return null;
    }
    return s;
  }

  Long integer(String key, long min, long max) {
    JsonNode v = get(key);
    return v == null ? null : integer(ctx, path(key), v, min, max);
  }

  Double number(String key, double min, double max) {
    JsonNode v = get(key);
    if (v == null) {
      return null;
    }
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
      ctx.error(path(key), "expected a number, got " + Texts.describe(v));
      return null;
    }
    double d = v.asDouble();
    if (d < min || d > max) {
      ctx.error(path(key), v.asText() + " (expected: " + min + ".." + max + ")");
      return null;
    }
    return d;
  }

  Boolean bool(String key) {
    JsonNode v = get(key);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      ctx.error(path(key), "expected true or false, got " + Texts.describe(v));
      return null;
    }
    return v.booleanValue();
  }

  /** A duration with Istio's rules (>= 1ms, millisecond precision). */
  Duration duration(String key) {
    String s = string(key);
    if (s == null) {
      return null;
    }
    String problem = Durations.problem(s, true);
    if (problem != null) {
      ctx.error(path(key), problem);
      return null;
    }
    return Durations.parse(s, path(key));
  }

  /** One of the given values, exactly as written (Istio enums are case-sensitive). */
  String oneOf(String key, List<String> allowed) {
    String s = string(key);
    if (s != null && !allowed.contains(s)) {
      String hint = allowed.stream().filter(a -> a.equalsIgnoreCase(s)).map(a -> " (did you mean " + a + "?)")
          .findFirst().orElse("");
      ctx.error(path(key), Texts.quote(s) + " is not one of " + String.join(", ", allowed) + hint);
      return null;
    }
    return s;
  }

  ObjectReader object(String key, Schema schema) {
    JsonNode v = get(key);
    return v == null ? null : of(ctx, path(key), v, schema);
  }

  List<Item> list(String key) {
    JsonNode v = get(key);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      ctx.error(path(key), "expected a list, got " + Texts.describe(v));
      return List.of();
    }
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      items.add(new Item(index(path(key), i), v.get(i)));
    }
    return items;
  }

  /** A present, non-empty list. */
  List<Item> requiredList(String key) {
    if (!require(key)) {
      return List.of();
    }
    List<Item> items = list(key);
    if (items.isEmpty() && get(key).isArray()) {
      ctx.error(path(key), "must not be empty");
    }
    return items;
  }

  /** A list of strings; bad elements are reported and left out. */
  List<String> stringList(String key) {
    List<String> out = new ArrayList<>();
    for (Item item : list(key)) {
      String s = string(ctx, item.path(), item.node());
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  /** A mapping of string to string in YAML order; bad entries are reported and left out. */
  Map<String, String> stringMap(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : map(key).entrySet()) {
      String s = string(ctx, child(path(key), e.getKey()), e.getValue());
      if (s != null) {
        out.put(e.getKey(), s);
      }
    }
    return out;
  }

  /** A mapping with arbitrary keys, in YAML order. */
  Map<String, JsonNode> map(String key) {
    JsonNode v = get(key);
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!v.isObject()) {
      ctx.error(path(key), "expected a mapping, got " + Texts.describe(v));
      return out;
    }
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  static String string(DocContext ctx, String path, JsonNode v) {
    if (v == null || !v.isTextual()) {
      ctx.error(path, "expected a string, got " + Texts.describe(v));
      return null;
    }
    return v.textValue();
  }

  static Long integer(DocContext ctx, String path, JsonNode v, long min, long max) {
    if (v == null || !v.isIntegralNumber()) {
      ctx.error(path, "expected an integer, got " + Texts.describe(v));
      return null;
    }
    if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
      String range = max == Long.MAX_VALUE ? ">= " + min : min + ".." + max;
      ctx.error(path, Texts.abbreviate(v.asText()) + " (expected: " + range + ")");
      return null;
    }
    return v.longValue();
  }
}
