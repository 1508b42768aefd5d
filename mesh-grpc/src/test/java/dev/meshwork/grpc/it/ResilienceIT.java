package dev.meshwork.grpc.it;

import static dev.meshwork.grpc.it.MeshFixture.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries, outlier detection and fault injection, configured in Istio YAML, applied by grpc-xds. */
class ResilienceIT {
  @TempDir Path tmp;
  MeshFixture mesh;

  @BeforeEach
  void setUp() throws Exception {
    mesh = new MeshFixture(tmp);
  }

  @AfterEach
  void tearDown() {
    mesh.close();
  }

  /** The ratings VirtualService with a retry policy, optionally with a round-robin DestinationRule. */
  static String ratings(int attempts, String retryOn, boolean roundRobin) {
    String vs = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: ratings
        spec:
          hosts: [ratings]
          http:
          - route:
            - destination:
                host: ratings
            retries:
              attempts: %d
        """.formatted(attempts) + (retryOn == null ? "" : "      retryOn: " + retryOn + "\n");
    String dr = """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: ratings
        spec:
          host: ratings
          trafficPolicy:
            loadBalancer:
              simple: ROUND_ROBIN
        """;
    return roundRobin ? vs + dr : vs;
  }

  @Test
  void retries_threeAttemptsOnUnavailable_hideAnInstanceFailingHalfItsCalls() throws Exception {
    Backend flaky = mesh.backend("ratings", "ratings-flaky", "v1").mode(Backend.Mode.FAIL_HALF);
    mesh.backend("ratings", "ratings-ok-a", "v1");
    mesh.backend("ratings", "ratings-ok-b", "v1");
    mesh.applyConfig("ratings.yaml", ratings(3, "unavailable", true));
    ManagedChannel ch = mesh.channel("ratings");
    mesh.awaitServedBy(ch, Map.of(), "ratings-ok-a", "ratings-ok-b");
    long flakyBefore = flaky.calls.get();
    Map<String, Integer> counts = MeshFixture.distribution(ch, Map.of(), 2000);
    double ok = 100.0 - share(counts, "ERROR:UNAVAILABLE");
    assertTrue(ok >= 99.9, "success " + ok + "% " + counts);
    // the flaky instance really was in rotation and really failed: retries did the work
    assertTrue(flaky.calls.get() - flakyBefore > 300, "flaky instance saw " + (flaky.calls.get() - flakyBefore));
  }

  @Test
  void attempts_areHonoured_threeRetriesGetPastThreeFailingInstances() throws Exception {
    // Round robin over three always-failing instances and one healthy one: a call that starts on
    // the first bad instance needs its 4th attempt. Istio's default (2 retries) would fail those.
    for (int i = 1; i <= 3; i++) {
      mesh.backend("ratings", "ratings-down-" + i, "v1").mode(Backend.Mode.FAIL_ALL);
    }
    mesh.backend("ratings", "ratings-up", "v1");
    mesh.applyConfig("ratings.yaml", ratings(3, "unavailable", true));
    ManagedChannel ch = mesh.channel("ratings");
    mesh.awaitServedBy(ch, Map.of(), "ratings-up");
    // Few calls: each may wait out gRPC's retry backoff (up to 25 ms × 2^n) three times.
    Map<String, Integer> three = MeshFixture.distribution(ch, Map.of(), 60);
    assertEquals(Map.of("ratings-up", 60), three, "3 retries reach the healthy instance");
    mesh.applyConfig("ratings.yaml", ratings(1, "unavailable", true));
    Map<String, Integer> one = Map.of();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (one.getOrDefault("ERROR:UNAVAILABLE", 0) == 0 && System.nanoTime() < deadline) {
      one = MeshFixture.distribution(ch, Map.of(), 20); // the new policy reaches the client
    }
    one = MeshFixture.distribution(ch, Map.of(), 60);
    // Calls starting on the 1st or 2nd bad instance (about half) cannot succeed in 2 attempts.
    assertTrue(one.getOrDefault("ERROR:UNAVAILABLE", 0) > 10, "1 retry cannot get past 3 bad instances: " + one);
  }

  @Test
  void withoutRetries_theSameInstanceFailsCalls() throws Exception {
    mesh.backend("ratings", "ratings-flaky", "v1").mode(Backend.Mode.FAIL_HALF);
    mesh.backend("ratings", "ratings-ok-a", "v1");
    mesh.applyConfig("ratings.yaml", ratings(0, null, false));
    ManagedChannel ch = mesh.channel("ratings");
    mesh.awaitServedBy(ch, Map.of(), "ratings-ok-a");
    Map<String, Integer> counts = MeshFixture.distribution(ch, Map.of(), 400);
    assertTrue(counts.getOrDefault("ERROR:UNAVAILABLE", 0) > 40, "attempts: 0 must not retry " + counts);
  }

  @Test
  void outlierDetection_ejectsAnAlwaysFailingInstance() throws Exception {
    Backend bad = mesh.backend("details", "details-bad", "v1").mode(Backend.Mode.FAIL_ALL);
    mesh.backend("details", "details-ok-a", "v1");
    mesh.backend("details", "details-ok-b", "v1");
    mesh.applyConfig("details.yaml", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: details
        spec:
          host: details
          trafficPolicy:
            loadBalancer:
              simple: ROUND_ROBIN
            outlierDetection:
              consecutive5xxErrors: 3
              interval: 500ms
              baseEjectionTime: 60s
              maxEjectionPercent: 50
        """);
    ManagedChannel ch = mesh.channel("details");
    mesh.awaitServedBy(ch, Map.of(), "details-ok-a", "details-ok-b");
    // Traffic until the bad instance stops receiving calls: ejection happens at an interval tick.
    long deadline = System.nanoTime() + 10_000_000_000L;
    long flatSince = bad.calls.get();
    int flatCalls = 0;
    while (flatCalls < 200 && System.nanoTime() < deadline) {
      try {
        Echo.who(ch);
      } catch (StatusRuntimeException ignored) {
        // before ejection some calls may fail (default retries mostly hide it)
      }
      long now = bad.calls.get();
      if (now == flatSince) {
        flatCalls++;
      } else {
        flatSince = now;
        flatCalls = 0;
      }
    }
    assertTrue(bad.calls.get() >= 3, "the bad instance must have been in rotation: " + bad.calls.get() + " calls");
    assertTrue(flatCalls >= 200, "bad instance was never ejected; it got " + bad.calls.get() + " calls");
    long atEjection = bad.calls.get();
    Map<String, Integer> counts = MeshFixture.distribution(ch, Map.of(), 1000);
    assertEquals(atEjection, bad.calls.get(), "calls reached the ejected instance");
    assertEquals(1000, counts.getOrDefault("details-ok-a", 0) + counts.getOrDefault("details-ok-b", 0), counts.toString());
  }

  @Test
  void faultAbort_20percent503_failsThatShareWithUnavailable() throws Exception {
    mesh.backend("catalog", "catalog-a", "v1");
    mesh.applyConfig("catalog.yaml", """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata:
          name: catalog
        spec:
          hosts: [catalog]
          http:
          - fault:
              abort:
                percentage:
                  value: 20
                httpStatus: 503
            route:
            - destination:
                host: catalog
        """);
    ManagedChannel ch = mesh.channel("catalog");
    mesh.awaitServedBy(ch, Map.of(), "catalog-a");
    Map<String, Integer> counts = MeshFixture.distribution(ch, Map.of(), 4000);
    assertEquals(20.0, share(counts, "ERROR:UNAVAILABLE"), 3.0, counts.toString());
    assertEquals(4000, counts.getOrDefault("ERROR:UNAVAILABLE", 0) + counts.getOrDefault("catalog-a", 0), counts.toString());
    try {
      for (int i = 0; i < 100; i++) {
        Echo.who(ch);
      }
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("fault injection"), e.getStatus().toString());
    }
  }

  @Test
  void faultDelay_addsTheConfiguredDelay() throws Exception {
    mesh.backend("catalog", "catalog-a", "v1");
    mesh.applyConfig("catalog.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: catalog
        spec:
          hosts: [catalog]
          http:
          - match:
            - headers:
                x-slow: {}
            fault:
              delay:
                fixedDelay: 300ms
                percentage:
                  value: 100
            route:
            - destination:
                host: catalog
          - route:
            - destination:
                host: catalog
        """);
    ManagedChannel ch = mesh.channel("catalog");
    mesh.awaitServedBy(ch, Map.of(), "catalog-a");
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      assertEquals("catalog-a", Echo.who(ch, Map.of("x-slow", "1")));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 300 && ms < 2000, "delayed call took " + ms + " ms");
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      Echo.who(ch);
    }
    long perCall = (System.nanoTime() - t0) / 20 / 1_000_000;
    assertTrue(perCall < 300, "undelayed calls took " + perCall + " ms each");
  }
}
