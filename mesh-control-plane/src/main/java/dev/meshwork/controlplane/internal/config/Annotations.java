package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwork.controlplane.internal.model.LocalRateLimit;
import dev.meshwork.controlplane.internal.model.RetryBudget;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code metadata.annotations}: free-form, except keys in the {@value #DOMAIN} domain (the part
 * before '/' is {@code meshwork.dev} or ends with {@code .meshwork.dev}, any case), which are
 * Meshwork's settings for features Istio only offers through EnvoyFilter or not at all. Such a key
 * must be one Meshwork knows and must sit on the kind it applies to, so a typo is an error instead
 * of a setting silently ignored. Errors name the path {@code metadata.annotations.<key>}.
 * Stateless.
 */
final class Annotations {
  static final String DOMAIN = "meshwork.dev";
  /** VirtualService: a token bucket for every route, {@code "100/1s"} or {@code "100/1s burst 200"}. */
  static final String LOCAL_RATE_LIMIT = "ratelimit." + DOMAIN + "/local";
  /** DestinationRule: the retry budget's share of active requests, {@code "20"} (percent, 0 < p <= 100). */
  static final String RETRY_BUDGET_PERCENT = "retrybudget." + DOMAIN + "/percent";
  /** DestinationRule: concurrent retries always allowed by the retry budget, {@code "3"}. */
  static final String RETRY_BUDGET_MIN = "retrybudget." + DOMAIN + "/min-concurrency";
  /** Each known key and the kind it applies to. */
  private static final Map<String, String> KNOWN = Map.of(
      LOCAL_RATE_LIMIT, "VirtualService",
      RETRY_BUDGET_PERCENT, "DestinationRule",
      RETRY_BUDGET_MIN, "DestinationRule");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,6})?");
  private static final Pattern COUNT = Pattern.compile("[0-9]{1,10}");
  private static final Pattern RATE = Pattern.compile("\\s*([0-9]{1,10})\\s*/\\s*(\\S+?)(?:\\s+burst\\s+([0-9]{1,10}))?\\s*");
  private static final String RATE_SYNTAX = "<tokens>/<interval> [burst <max tokens>], e.g. \"100/1s\" or \"100/1s burst 200\"";
  /** Envoy's token bucket counts are uint32. */
  private static final long MAX_TOKENS = 0xFFFF_FFFFL;
  /** Envoy refuses faster refills. */
  private static final Duration MIN_FILL_INTERVAL = Duration.ofMillis(50);

  private Annotations() {}

  /**
   * The document's annotations (string values; others are reported and left out). Meshwork keys
   * that are unknown or belong to another kind are reported and left out too.
   */
  static Map<String, String> read(DocContext ctx, ObjectReader metadata) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : metadata.map("annotations").entrySet()) {
      String key = e.getKey();
      boolean ours = isMeshwork(key);
      String path = ours ? path(key) : ObjectReader.child(metadata.path("annotations"), key);
      String value = ObjectReader.string(ctx, path, e.getValue());
      if (value == null) {
        continue;
      }
      if (ours && !KNOWN.containsKey(key)) {
        ctx.error(path, "unknown Meshwork annotation (known: " + known() + ")");
      } else if (ours && !KNOWN.get(key).equals(ctx.kind)) {
        ctx.error(path, "applies to " + KNOWN.get(key) + " only, not " + ctx.kind);
      } else {
        out.put(key, value);
      }
    }
    return out;
  }

  /** A key in the meshwork.dev domain: its prefix (the whole key when it has no '/') is or ends with it. */
  static boolean isMeshwork(String key) {
    int slash = key.indexOf('/');
    String prefix = (slash < 0 ? key : key.substring(0, slash)).toLowerCase(Locale.ROOT);
    return prefix.equals(DOMAIN) || prefix.endsWith("." + DOMAIN);
  }

  /** {@code metadata.annotations.ratelimit.meshwork.dev/local}: the key as written, escaped. */
  static String path(String key) {
    return "metadata.annotations." + Texts.escape(key);
  }

  /** The VirtualService's local rate limit; null when not annotated or invalid (reported). */
  static LocalRateLimit localRateLimit(DocContext ctx, Map<String, String> annotations) {
    String text = annotations.get(LOCAL_RATE_LIMIT);
    if (text == null) {
      return null;
    }
    String path = path(LOCAL_RATE_LIMIT);
    Matcher m = RATE.matcher(text);
    if (!m.matches()) {
      ctx.error(path, Texts.quote(text) + " is not a rate limit (expected " + RATE_SYNTAX + ")");
      return null;
    }
    long tokens = Long.parseLong(m.group(1));
    if (tokens < 1 || tokens > MAX_TOKENS) {
      ctx.error(path, Texts.quote(text) + ": " + tokens + " tokens per interval (expected: 1.." + MAX_TOKENS + ")");
      return null;
    }
    String interval = m.group(2);
    String problem = Durations.problem(interval, true);
    if (problem != null) {
      ctx.error(path, Texts.quote(text) + ": interval " + problem);
      return null;
    }
    Duration fill = Durations.parse(interval, path);
    if (fill.compareTo(MIN_FILL_INTERVAL) < 0) {
      ctx.error(path, Texts.quote(text) + ": interval " + interval + " is below 50ms (Envoy's minimum fill interval)");
      return null;
    }
    long max = m.group(3) == null ? tokens : Long.parseLong(m.group(3));
    if (max < tokens || max > MAX_TOKENS) {
      ctx.error(path, Texts.quote(text) + ": burst " + max + " (expected: " + tokens + ".." + MAX_TOKENS
          + ", at least the tokens added per interval)");
      return null;
    }
    return new LocalRateLimit(tokens, fill, max);
  }

  /**
   * The DestinationRule's retry budget; null when neither annotation is set, or when one is invalid
   * (reported). A missing half takes Envoy's default (20%, 3).
   */
  static RetryBudget retryBudget(DocContext ctx, Map<String, String> annotations) {
    String percentText = annotations.get(RETRY_BUDGET_PERCENT);
    String minText = annotations.get(RETRY_BUDGET_MIN);
    if (percentText == null && minText == null) {
      return null;
    }
    double percent = RetryBudget.DEFAULT.percent();
    int min = RetryBudget.DEFAULT.minRetryConcurrency();
    boolean ok = true;
    if (percentText != null) {
      String t = percentText.trim();
      double p = DECIMAL.matcher(t).matches() ? Double.parseDouble(t) : -1;
      if (p <= 0 || p > 100) {
        ctx.error(path(RETRY_BUDGET_PERCENT), Texts.quote(percentText)
            + " is not a budget percentage (expected a number > 0 and <= 100, e.g. \"20\")");
        ok = false;
      }
      percent = p;
    }
    if (minText != null) {
      String t = minText.trim();
      long m = COUNT.matcher(t).matches() ? Long.parseLong(t) : -1;
      if (m < 0 || m > Integer.MAX_VALUE) {
        ctx.error(path(RETRY_BUDGET_MIN), Texts.quote(minText)
            + " is not a retry count (expected an integer 0.." + Integer.MAX_VALUE + ", e.g. \"3\")");
        ok = false;
      }
      min = (int) m;
    }
    return ok ? new RetryBudget(percent, min) : null;
  }

  /** The path of whichever retry budget annotation is set (for errors about the budget as a whole). */
  static String retryBudgetPath(Map<String, String> annotations) {
    return path(annotations.containsKey(RETRY_BUDGET_PERCENT) ? RETRY_BUDGET_PERCENT : RETRY_BUDGET_MIN);
  }

  private static String known() {
    return KNOWN.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + " on " + e.getValue()).collect(Collectors.joining(", "));
  }
}
