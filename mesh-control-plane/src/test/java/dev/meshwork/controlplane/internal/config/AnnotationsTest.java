package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static dev.meshwork.controlplane.internal.config.TestConfigs.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.controlplane.internal.model.LocalRateLimit;
import dev.meshwork.controlplane.internal.model.RetryBudget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AnnotationsTest {
  private static final String PATH = "metadata.annotations.ratelimit.meshwork.dev/local";

  /** VirtualService default/reviews in vs.yaml doc 0 with the given annotations block (YAML flow mapping). */
  private static LoadResult vs(String annotations) {
    return load("vs.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
          annotations: %s
        spec:
          hosts: [reviews]
          http: [{route: [{destination: {host: reviews}}]}]
        """.formatted(annotations));
  }

  private static LocalRateLimit limit(String value) {
    return assertOk(vs("{ratelimit.meshwork.dev/local: \"" + value + "\"}")).virtualServices().get(0).localRateLimit();
  }

  @Test
  void localRateLimit_tokensPerInterval_withOptionalBurst() {
    assertEquals(new LocalRateLimit(100, Duration.ofSeconds(1), 100), limit("100/1s"));
    assertEquals(new LocalRateLimit(100, Duration.ofSeconds(1), 200), limit("100/1s burst 200"));
    assertEquals(new LocalRateLimit(5, Duration.ofMillis(250), 5), limit(" 5 / 250ms "));
    assertEquals(new LocalRateLimit(4294967295L, Duration.ofMinutes(1), 4294967295L), limit("4294967295/1m"));
    assertNull(assertOk(vs("{}")).virtualServices().get(0).localRateLimit());
  }

  @Test
  void badLocalRateLimit_namesFileDocResourceAndAnnotationPath() {
    assertError(vs("{ratelimit.meshwork.dev/local: \"100 per second\"}"),
        "vs.yaml doc 0 VirtualService default/reviews: " + PATH + ": \"100 per second\" is not a rate limit "
            + "(expected <tokens>/<interval> [burst <max tokens>], e.g. \"100/1s\" or \"100/1s burst 200\")");
    assertError(vs("{ratelimit.meshwork.dev/local: \"0/1s\"}"), PATH + ": \"0/1s\": 0 tokens per interval (expected: 1..4294967295)");
    assertError(vs("{ratelimit.meshwork.dev/local: \"4294967296/1s\"}"), PATH + ": \"4294967296/1s\": 4294967296 tokens per interval");
    assertError(vs("{ratelimit.meshwork.dev/local: \"10/1\"}"), PATH + ": \"10/1\": interval \"1\" is not a duration");
    assertError(vs("{ratelimit.meshwork.dev/local: \"10/10ms\"}"), PATH + ": \"10/10ms\": interval 10ms is below 50ms");
    assertError(vs("{ratelimit.meshwork.dev/local: \"10/1s burst 5\"}"),
        PATH + ": \"10/1s burst 5\": burst 5 (expected: 10..4294967295, at least the tokens added per interval)");
    assertError(vs("{ratelimit.meshwork.dev/local: \"10/1s burst\"}"), PATH + ": \"10/1s burst\" is not a rate limit");
    assertError(vs("{ratelimit.meshwork.dev/local: 100}"), PATH + ": expected a string, got a number (100)");
  }

  @Test
  void unknownMeshworkAnnotations_areErrors_othersStayFreeForm() {
    LoadResult r = vs("{ratelimit.meshwork.dev/locl: \"1/1s\", RateLimit.Meshwork.dev/local: \"1/1s\", meshwork.dev/x: y, "
        + "ratelimit.meshwork.dev: \"1/1s\"}");
    assertError(r, "vs.yaml doc 0 VirtualService default/reviews: metadata.annotations.ratelimit.meshwork.dev/locl: "
        + "unknown Meshwork annotation (known: ratelimit.meshwork.dev/local on VirtualService, ");
    assertError(r, "metadata.annotations.RateLimit.Meshwork.dev/local: unknown Meshwork annotation");
    assertError(r, "metadata.annotations.meshwork.dev/x: unknown Meshwork annotation");
    assertError(r, "metadata.annotations.ratelimit.meshwork.dev: unknown Meshwork annotation");
    assertOk(vs("{kubectl.kubernetes.io/last-applied-configuration: \"{}\", meshwork.device.io/x: y, note: \"x\", "
        + "example.com/meshwork.dev: z}"));
  }

  @Test
  void meshworkAnnotation_onAnotherKind_isAnError() {
    LoadResult r = load("dr.yaml", TestConfigs.destinationRule("reviews", "reviews", "v1")
        .replace("  name: reviews\n", "  name: reviews\n  annotations: {ratelimit.meshwork.dev/local: \"1/1s\"}\n"));
    assertError(r, "dr.yaml doc 0 DestinationRule default/reviews: " + PATH + ": applies to VirtualService only, not DestinationRule");
  }

  @Test
  void meshworkDomain_isThePrefixBeforeTheSlash() {
    assertTrue(Annotations.isMeshwork("ratelimit.meshwork.dev/local"));
    assertTrue(Annotations.isMeshwork("meshwork.dev/anything"));
    assertTrue(Annotations.isMeshwork("X.MESHWORK.DEV/y"));
    assertFalse(Annotations.isMeshwork("notmeshwork.dev/x"));
    assertFalse(Annotations.isMeshwork("example.com/meshwork.dev"));
    assertFalse(Annotations.isMeshwork("note"));
  }

  /** DestinationRule default/reviews in dr.yaml doc 0 with the given annotations and trafficPolicy (flow mappings). */
  private static LoadResult dr(String annotations, String trafficPolicy) {
    return load("dr.yaml", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
          annotations: %s
        spec:
          host: reviews
          trafficPolicy: %s
          subsets:
          - name: v1
            labels: {version: v1}
        """.formatted(annotations, trafficPolicy));
  }

  private static RetryBudget budget(String annotations) {
    return assertOk(dr(annotations, "{loadBalancer: {simple: ROUND_ROBIN}}")).destinationRules().get(0).retryBudget();
  }

  @Test
  void retryBudget_percentAndMinConcurrency_eachDefaultingToEnvoys() {
    assertNull(budget("{}"));
    assertEquals(new RetryBudget(50, 10), budget("{retrybudget.meshwork.dev/percent: \"50\", retrybudget.meshwork.dev/min-concurrency: \"10\"}"));
    assertEquals(new RetryBudget(12.5, 3), budget("{retrybudget.meshwork.dev/percent: \"12.5\"}"));
    assertEquals(new RetryBudget(100, 3), budget("{retrybudget.meshwork.dev/percent: \"100\"}"));
    assertEquals(new RetryBudget(20, 0), budget("{retrybudget.meshwork.dev/min-concurrency: \"0\"}"));
  }

  @Test
  void badRetryBudget_isAnErrorAtTheAnnotation() {
    String percent = "dr.yaml doc 0 DestinationRule default/reviews: metadata.annotations.retrybudget.meshwork.dev/percent: ";
    for (String bad : new String[] {"0", "100.5", "-5", "abc", "20%", ""}) {
      assertError(dr("{retrybudget.meshwork.dev/percent: \"" + bad + "\"}", "{loadBalancer: {simple: ROUND_ROBIN}}"),
          percent + "\"" + bad + "\" is not a budget percentage (expected a number > 0 and <= 100, e.g. \"20\")");
    }
    for (String bad : new String[] {"-1", "2.5", "3000000000", "three"}) {
      assertError(dr("{retrybudget.meshwork.dev/min-concurrency: \"" + bad + "\"}", "{loadBalancer: {simple: ROUND_ROBIN}}"),
          "metadata.annotations.retrybudget.meshwork.dev/min-concurrency: \"" + bad + "\" is not a retry count");
    }
    assertError(dr("{retrybudget.meshwork.dev/percentage: \"20\"}", "{loadBalancer: {simple: ROUND_ROBIN}}"),
        "metadata.annotations.retrybudget.meshwork.dev/percentage: unknown Meshwork annotation (known: "
            + "ratelimit.meshwork.dev/local on VirtualService, retrybudget.meshwork.dev/min-concurrency on DestinationRule, "
            + "retrybudget.meshwork.dev/percent on DestinationRule)");
    assertError(vs("{retrybudget.meshwork.dev/percent: \"20\"}"),
        "metadata.annotations.retrybudget.meshwork.dev/percent: applies to DestinationRule only, not VirtualService");
  }

  @Test
  void retryBudget_nextToMaxRetries_isAnError_sinceEnvoyWouldIgnoreMaxRetries() {
    assertError(dr("{retrybudget.meshwork.dev/min-concurrency: \"5\"}", "{connectionPool: {http: {maxRetries: 10}}}"),
        "metadata.annotations.retrybudget.meshwork.dev/min-concurrency: a retry budget replaces connectionPool.http.maxRetries "
            + "(set at spec.trafficPolicy.connectionPool.http.maxRetries); set only one");
    assertOk(dr("{}", "{connectionPool: {http: {maxRetries: 10}}}"));
  }
}
