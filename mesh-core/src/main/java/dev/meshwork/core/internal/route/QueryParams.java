package dev.meshwork.core.internal.route;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A query string split into name/value pairs the way Envoy's route matching reads it: pairs
 * separated by '&', name and value by the first '=', a name without '=' has the value "", names
 * and values percent-decoded (malformed escapes are kept as they are, '+' stays '+'), the first
 * occurrence of a name wins. Parsed at most once per request and only for routes with query
 * matchers.
 */
final class QueryParams {
  static final QueryParams EMPTY = new QueryParams(List.of(), List.of());

  private final List<String> names;
  private final List<String> values;

  private QueryParams(List<String> names, List<String> values) {
    this.names = names;
    this.values = values;
  }

  static QueryParams parse(String query) {
    if (query == null || query.isEmpty()) {
      return EMPTY;
    }
    List<String> names = new ArrayList<>();
    List<String> values = new ArrayList<>();
    int start = 0;
    while (start <= query.length()) {
      int end = query.indexOf('&', start);
      if (end < 0) {
        end = query.length();
      }
      if (end > start) {
        int eq = query.indexOf('=', start);
        if (eq < 0 || eq > end) {
          names.add(decode(query.substring(start, end)));
          values.add("");
        } else {
          names.add(decode(query.substring(start, eq)));
          values.add(decode(query.substring(eq + 1, end)));
        }
      }
      start = end + 1;
    }
    return new QueryParams(names, values);
  }

  /** The first value of {@code name}, or null when the query does not have it. */
  String first(String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equals(name)) {
        return values.get(i);
      }
    }
    return null;
  }

  static String decode(String s) {
    int pct = s.indexOf('%');
    if (pct < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      int hi = i + 2 < raw.length && raw[i] == '%' ? hex(raw[i + 1]) : -1;
      int lo = hi >= 0 ? hex(raw[i + 2]) : -1;
      if (lo >= 0) {
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(raw[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }
}
