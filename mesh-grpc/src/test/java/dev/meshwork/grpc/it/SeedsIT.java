package dev.meshwork.grpc.it;

import static dev.meshwork.grpc.it.MeshFixture.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The YAML from the documents the project started from (shared/seeds), applied as written and
 * routing as written. The order-service text lost its indentation in extraction; it is restored
 * here with nothing else changed.
 */
class SeedsIT {
  /** shared/seeds/001: the product-service 95/5 canary, verbatim. */
  static final String PRODUCT_VS = """
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata:
        name: product-service
      spec:
        hosts:
        - product-service
        http:
        - route:
          - destination:
              host: product-service
              subset: v1
            weight: 95
          - destination:
              host: product-service
              subset: v2
            weight: 5
      """;

  /** The subsets it names (the seed's my-service DestinationRule, shared/seeds/004, for this host). */
  static final String PRODUCT_DR = """
      apiVersion: networking.istio.io/v1beta1
      kind: DestinationRule
      metadata:
        name: product-service
      spec:
        host: product-service
        subsets:
        - name: v1
          labels:
            version: v1
        - name: v2
          labels:
            version: v2
      """;

  /** shared/seeds/002: the order-service VirtualService and DestinationRule. */
  static final String ORDER = """
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata:
        name: order-service
        namespace: production
      spec:
        hosts:
        - order-service
        http:
        - match:
          - headers:
              x-canary:
                exact: "true"
          route:
          - destination:
              host: order-service
              subset: v2
        - route:
          - destination:
              host: order-service
              subset: v1
            weight: 90
          - destination:
              host: order-service
              subset: v2
            weight: 10
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: DestinationRule
      metadata:
        name: order-service
        namespace: production
      spec:
        host: order-service
        subsets:
        - name: v1
          labels:
            version: v1
        - name: v2
          labels:
            version: v2
        trafficPolicy:
          connectionPool:
            tcp:
              maxConnections: 100
            http:
              h2UpgradePolicy: UPGRADE
              http1MaxPendingRequests: 100
      """;

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

  @Test
  void productService_95_5_canary_routesAsWritten() throws Exception {
    mesh.backend("product-service", "product-v1", "v1");
    mesh.backend("product-service", "product-v2", "v2");
    mesh.applyConfig("product.yaml", PRODUCT_VS + "---\n" + PRODUCT_DR);
    ManagedChannel ch = mesh.channel("product-service");
    mesh.awaitServedBy(ch, Map.of(), "product-v1", "product-v2");
    Map<String, Integer> counts = MeshFixture.distribution(ch, Map.of(), 2000);
    assertEquals(5.0, share(counts, "product-v2"), 3.0, counts.toString());
    assertEquals(95.0, share(counts, "product-v1"), 3.0, counts.toString());
  }

  @Test
  void orderService_canaryHeaderAndConnectionPool_routeAsWritten() throws Exception {
    mesh.backend("order-service", "order-v1", "v1");
    mesh.backend("order-service", "order-v2", "v2");
    mesh.applyConfig("order.yaml", ORDER);
    ManagedChannel ch = mesh.channel("order-service");
    mesh.awaitServedBy(ch, Map.of(), "order-v1", "order-v2");
    assertEquals(Map.of("order-v2", 500), MeshFixture.distribution(ch, Map.of("x-canary", "true"), 500));
    Map<String, Integer> counts = MeshFixture.distribution(ch, Map.of(), 2000);
    assertEquals(10.0, share(counts, "order-v2"), 3.0, counts.toString());
    // the connection pool is applied to the clusters (circuit breaker thresholds)
    String clusters = mesh.admin("/clusters");
    assertTrue(clusters.contains("outbound|80|v1|order-service"), clusters);
    assertTrue(clusters.contains("\"maxConnections\": 100") && clusters.contains("\"maxPendingRequests\": 100"), clusters);
  }

  @Test
  void reviews_75_25_asIntended_routes75_25() throws Exception {
    mesh.backend("reviews", "reviews-v1", "v1");
    mesh.backend("reviews", "reviews-v2", "v2");
    mesh.applyConfig("reviews.yaml", """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts:
          - reviews
          http:
          - route:
            - destination:
                host: reviews
                subset: v1
              weight: 75
            - destination:
                host: reviews
                subset: v2
              weight: 25
        ---
        """ + PRODUCT_DR.replace("product-service", "reviews"));
    ManagedChannel ch = mesh.channel("reviews");
    mesh.awaitServedBy(ch, Map.of(), "reviews-v1", "reviews-v2");
    Map<String, Integer> counts = MeshFixture.distribution(ch, Map.of(), 4500);
    assertEquals(25.0, share(counts, "reviews-v2"), 3.0, counts.toString());
  }

  @Test
  void reviews_seedVerbatim_isRejectedAsIstioRejectsIt_withTheFixNamed() throws Exception {
    // shared/seeds/000 as written: no hosts, and weight at the HTTPRoute level.
    mesh.writeConfig("reviews.yaml", """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          http:
          - route:
            - destination:
                host: reviews
                subset: v1
            weight: 75
          - route:
            - destination:
                host: reviews
                subset: v2
            weight: 25
        """);
    MeshFixture.await("rejection", () -> !mesh.cp.configStatus().errors().isEmpty(), 5_000);
    String errors = String.join("\n", mesh.cp.configStatus().errors());
    assertTrue(errors.contains("spec.hosts"), errors);
    assertTrue(errors.contains("spec.http[0].weight") && errors.contains("route[N].weight"), errors);
  }
}
