package dev.meshwork.grpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What gRPC's xDS client makes of the resources for Meshwork's HTTP-only features (request
 * mirroring, the local rate limit annotation, the retry budget every cluster gets): it must skip
 * them, neither NACK the listener, route configuration or clusters nor apply them.
 */
class MeshworkExtensionsIT {
  static final String CONFIG = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        annotations:
          retrybudget.meshwork.dev/percent: "25"
          retrybudget.meshwork.dev/min-concurrency: "1"
      spec:
        host: reviews
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
        annotations:
          ratelimit.meshwork.dev/local: "1/1s"
      spec:
        hosts: [reviews]
        http:
        - name: all
          route:
          - destination: {host: reviews, subset: v1}
          mirror: {host: reviews, subset: v2}
          mirrorPercentage: {value: 50}
      """;

  @TempDir Path tmp;
  MeshFixture mesh;

  @AfterEach
  void tearDown() {
    mesh.close();
  }

  @Test
  void rateLimitedMirroredRoute_withRetryBudget_isAccepted_noNack_andTheRateLimitAppliesToGrpcToo() throws Exception {
    mesh = new MeshFixture(tmp);
    mesh.backend("reviews", "reviews-v1-a", "v1");
    mesh.backend("reviews", "reviews-v2-a", "v2");
    mesh.applyConfig("reviews.yaml", CONFIG);
    ManagedChannel reviews = mesh.channel("reviews");
    mesh.awaitServedBy(reviews, Map.of(), "reviews-v1-a");
    // The interceptor admits calls until the mesh's own xDS stream has the routes (grpc-xds may be
    // ready first): wait until the limit is in force, which also empties the bucket.
    MeshFixture.await("rate limit in force", () -> {
      try {
        Echo.who(reviews);
        return false;
      } catch (io.grpc.StatusRuntimeException e) {
        return e.getStatus().getDescription() != null && e.getStatus().getDescription().contains("rate limit");
      }
    }, 10_000);
    // grpc-xds skips the optional filter; Meshwork's interceptor applies the bucket: 1 token a second.
    Map<String, Integer> burst = MeshFixture.distribution(reviews, Map.of(), 100);
    assertTrue(burst.getOrDefault("ERROR:UNAVAILABLE", 0) >= 98, "rate limited: " + burst);
    assertTrue(burst.getOrDefault("reviews-v1-a", 0) <= 2, "rate limited: " + burst);
    try {
      Echo.who(reviews);
    } catch (io.grpc.StatusRuntimeException e) {
      assertEquals(io.grpc.Status.Code.UNAVAILABLE, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("rate limit"), e.getStatus().toString());
    }
    MeshFixture.await("a token again after the fill interval", () -> {
      try {
        return Echo.who(reviews).equals("reviews-v1-a");
      } catch (io.grpc.StatusRuntimeException e) {
        return false;
      }
    }, 5_000);
    String listeners = mesh.admin("/listeners");
    assertTrue(listeners.contains("envoy.filters.http.local_ratelimit") && listeners.contains("\"isOptional\": true"), listeners);
    String clients = mesh.admin("/clients");
    assertTrue(clients.contains("test-client"), clients);
    assertFalse(clients.contains("\"lastNack\" : {"), "no NACKs: " + clients);

    // Without the annotation the listener loses the filter and the same channel stops limiting.
    mesh.applyConfig("reviews.yaml", CONFIG.replace("ratelimit.meshwork.dev/local: \"1/1s\"", "other: x"));
    MeshFixture.await("the rate limit lifted", () -> {
      try {
        for (int i = 0; i < 5; i++) {
          Echo.who(reviews);
        }
        return true;
      } catch (io.grpc.StatusRuntimeException e) {
        return false;
      }
    }, 10_000);
    Map<String, Integer> after = MeshFixture.distribution(reviews, Map.of(), 50);
    assertEquals(Map.of("reviews-v1-a", 50), after, "no call refused once the limit is gone");
  }
}
