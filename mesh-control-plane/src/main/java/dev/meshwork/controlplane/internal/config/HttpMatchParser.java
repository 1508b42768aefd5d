package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.meshwork.controlplane.internal.config.ObjectReader.Item;
import dev.meshwork.controlplane.internal.model.HttpMatch;
import dev.meshwork.controlplane.internal.model.StringMatch;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTPMatchRequest and StringMatch. A StringMatch has exactly one of exact, prefix, regex; the empty
 * mapping {@code {}} is Istio's presence check and is only meaningful for headers, withoutHeaders
 * and queryParams. Regexes are compiled with RE2 (re2j), the engine Envoy and gRPC use, so a regex
 * accepted here is accepted by the data plane.
 */
final class HttpMatchParser {
  private static final Schema MATCH = Schema.of(
          "name", "uri", "method", "headers", "withoutHeaders", "queryParams", "ignoreUriCase")
      .unsupported("scheme", "authority", "port", "sourceLabels", "sourceNamespace", "gateways", "statPrefix");
  private static final Schema STRING_MATCH = Schema.of("exact", "prefix", "regex");
  private static final String TCHARS = "!#$%&'*+-.^_`|~";

  private HttpMatchParser() {}

  static HttpMatch parse(DocContext ctx, Item item) {
    int before = ctx.errorCount();
    ObjectReader m = ObjectReader.of(ctx, item.path(), item.node(), MATCH);
    String name = m.string("name");
    StringMatch uri = stringMatch(ctx, m.path("uri"), m.get("uri"), false, true);
    StringMatch method = stringMatch(ctx, m.path("method"), m.get("method"), false, true);
    Boolean ignoreCase = m.bool("ignoreUriCase");
    if (Boolean.TRUE.equals(ignoreCase) && uri != null && uri.kind() == StringMatch.Kind.REGEX) {
      // Envoy's case_sensitive does not apply to safe_regex: accepting it would ignore it silently.
      ctx.error(m.path("ignoreUriCase"), "has no effect on a regex uri match (write (?i) in the regex instead)");
    }
    Map<String, StringMatch> headers = headers(m, "headers");
    Map<String, StringMatch> without = headers(m, "withoutHeaders");
    Map<String, StringMatch> query = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : m.map("queryParams").entrySet()) {
      String p = ObjectReader.child(m.path("queryParams"), e.getKey());
      if (e.getKey().isEmpty()) {
        ctx.error(p, "query parameter name must not be empty");
      }
      StringMatch sm = stringMatch(ctx, p, e.getValue(), true, false);
      if (sm != null) {
        query.put(e.getKey(), sm);
      }
    }
    if (ctx.errorCount() != before) {
      return null;
    }
    return new HttpMatch(name, uri, ignoreCase != null && ignoreCase, method, headers, without, query);
  }

  private static Map<String, StringMatch> headers(ObjectReader m, String key) {
    DocContext ctx = m.ctx();
    Map<String, StringMatch> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : m.map(key).entrySet()) {
      String header = e.getKey();
      String p = ObjectReader.child(m.path(key), header);
      String problem = headerNameProblem(header);
      if (problem != null) {
        ctx.error(p, problem);
      }
      StringMatch sm = stringMatch(ctx, p, e.getValue(), true, true);
      if (sm != null && problem == null) {
        out.put(header, sm);
      }
    }
    return out;
  }

  /** HTTP/2 carries header names in lowercase, so Istio requires them lowercase. */
  static String headerNameProblem(String name) {
    if (name.isEmpty()) {
      return "header name must not be empty";
    }
    if (name.startsWith(":")) {
      return "pseudo-header " + Texts.quote(name) + " cannot be matched here (use uri or method)";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || TCHARS.indexOf(c) >= 0)) {
        return Texts.quote(name) + " is not a valid header name";
      }
    }
    if (!name.equals(name.toLowerCase(Locale.ROOT))) {
      return "header name " + Texts.quote(name) + " must be lowercase (write " + name.toLowerCase(Locale.ROOT) + ")";
    }
    return null;
  }

  /**
   * Parses a StringMatch; null when absent or invalid (reported).
   *
   * @param emptyIsPresence whether {@code {}} means "present" (headers, query parameters)
   * @param prefixAllowed Istio does not support prefix for query parameters
   */
  static StringMatch stringMatch(DocContext ctx, String path, JsonNode node, boolean emptyIsPresence, boolean prefixAllowed) {
    if (node == null) {
      return null;
    }
    if (node.isNull()) { // Istio: "header match cannot be null"
      ctx.error(path, "must not be null (write {} to match on presence)");
      return null;
    }
    ObjectReader r = ObjectReader.of(ctx, path, node, STRING_MATCH);
    int set = (r.has("exact") ? 1 : 0) + (r.has("prefix") ? 1 : 0) + (r.has("regex") ? 1 : 0);
    if (set == 0 && node.isObject() && node.isEmpty()) {
      if (emptyIsPresence) {
        return StringMatch.present();
      }
      ctx.error(path, "empty match: expected exactly one of exact, prefix, regex");
      return null;
    }
    if (set == 0) {
      // e.g. `exact:` with nothing after it: YAML null. Dropping the condition would turn the
      // route into a catch-all, so it is an error.
      ctx.error(path, "no match value: expected one of exact, prefix, regex with a string (a key with nothing after it is null)");
      return null;
    }
    if (set > 1) {
      ctx.error(path, "expected exactly one of exact, prefix, regex (got " + set + ")");
      return null;
    }
    if (r.has("exact")) {
      String s = r.string("exact");
      return s == null ? null : new StringMatch(StringMatch.Kind.EXACT, s);
    }
    if (r.has("prefix")) {
      if (!prefixAllowed) {
        ctx.error(r.path("prefix"), "not supported by Istio for query parameters (use exact or regex)");
        return null;
      }
      String s = r.string("prefix");
      if (s != null && s.isEmpty()) { // Envoy's string matcher requires a non-empty prefix
        ctx.error(r.path("prefix"), "must not be empty (write {} to match on presence)");
        return null;
      }
      return s == null ? null : new StringMatch(StringMatch.Kind.PREFIX, s);
    }
    if (r.has("regex")) {
      String s = r.string("regex");
      return s != null && regexOk(ctx, r.path("regex"), s) ? new StringMatch(StringMatch.Kind.REGEX, s) : null;
    }
    return null;
  }

  private static boolean regexOk(DocContext ctx, String path, String regex) {
    if (regex.isEmpty()) {
      ctx.error(path, "regex must not be empty");
      return false;
    }
    try {
      Pattern.compile(regex);
      return true;
    } catch (PatternSyntaxException e) {
      ctx.error(path, "regex " + Texts.quote(regex) + " is not valid RE2: " + e.getDescription());
    } catch (RuntimeException e) {
      ctx.error(path, "regex " + Texts.quote(regex) + " is not valid RE2: " + e.getMessage());
    }
    return false;
  }
}
