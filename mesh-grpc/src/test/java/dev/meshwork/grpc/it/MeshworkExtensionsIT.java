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
  void rateLimitedMirroredRoute_withRetryBudget_isAcceptedAndRoutedNormally_noNack() throws Exception {
    mesh = new MeshFixture(tmp);
    mesh.backend("reviews", "reviews-v1-a", "v1");
    mesh.backend("reviews", "reviews-v2-a", "v2");
    mesh.applyConfig("reviews.yaml", CONFIG);
    ManagedChannel reviews = mesh.channel("reviews");
    mesh.awaitServedBy(reviews, Map.of(), "reviews-v1-a");
    // "1/1s" would refuse all but one of these if gRPC applied it; it has no such filter and skips it.
    assertEquals(Map.of("reviews-v1-a", 100), MeshFixture.distribution(reviews, Map.of(), 100));
    String listeners = mesh.admin("/listeners");
    assertTrue(listeners.contains("envoy.filters.http.local_ratelimit") && listeners.contains("\"isOptional\": true"), listeners);
    String clients = mesh.admin("/clients");
    assertTrue(clients.contains("test-client"), clients);
    assertFalse(clients.contains("\"lastNack\" : {"), "no NACKs: " + clients);
  }
}
