package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static dev.meshwork.controlplane.internal.config.TestConfigs.load;
import static dev.meshwork.controlplane.internal.config.TestConfigs.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshwork.controlplane.internal.model.Destination;
import dev.meshwork.controlplane.internal.model.DestinationRule;
import dev.meshwork.controlplane.internal.model.HttpRoute;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.model.StringMatch;
import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import dev.meshwork.controlplane.internal.model.VirtualService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The YAML examples found in the project's seed notes. */
class SeedExamplesTest {
  @Test
  void productService_95_5_withDestinationRule_loads() {
    MeshConfig c = assertOk(load("product.yaml", resource("seeds/001-product-service.yaml")));
    VirtualService vs = c.virtualServices().get(0);
    assertEquals(List.of("product-service"), vs.hosts());
    assertEquals("default", vs.source().namespace());
    assertEquals(List.of(new Destination("product-service", "v1", 0, 95), new Destination("product-service", "v2", 0, 5)),
        vs.http().get(0).route());
    DestinationRule dr = c.destinationRules().get(0);
    assertEquals(List.of("v1", "v2"), dr.subsets().stream().map(s -> s.name()).toList());
    assertEquals(Map.of("version", "v2"), dr.subsets().get(1).labels());
    assertEquals(TrafficPolicy.NONE, dr.trafficPolicy());
  }

  @Test
  void orderService_canaryHeaderAndConnectionPool_loadsAndSkipsKubernetesDocuments() {
    MeshConfig c = assertOk(load("order.yaml", resource("seeds/002-order-service.yaml")));
    assertEquals(1, c.virtualServices().size());
    VirtualService vs = c.virtualServices().get(0);
    assertEquals(2, vs.source().document()); // Namespace and Deployment were skipped but counted
    assertEquals("production", vs.source().namespace());
    HttpRoute canary = vs.http().get(0);
    assertEquals(Map.of("x-canary", new StringMatch(StringMatch.Kind.EXACT, "true")), canary.match().get(0).headers());
    assertEquals(List.of(new Destination("order-service", "v2", 0, 100)), canary.route());
    assertEquals(List.of(90, 10), vs.http().get(1).route().stream().map(Destination::weight).toList());
    TrafficPolicy.ConnectionPool pool = c.destinationRules().get(0).trafficPolicy().connectionPool();
    assertEquals(new TrafficPolicy.ConnectionPool(100, null, 100, null, null, TrafficPolicy.H2UpgradePolicy.UPGRADE), pool);
  }

  @Test
  void reviewsSeedAsWritten_isRejectedLikeIstio_hostsMissingAndWeightMisplaced() {
    LoadResult r = load("reviews.yaml", resource("seeds/000-reviews-verbatim.yaml"));
    assertNull(r.config());
    assertError(r, "reviews.yaml doc 0 VirtualService default/reviews: spec.hosts: is required");
    assertError(r, "reviews.yaml doc 0 VirtualService default/reviews: spec.http[0].weight: ",
        "weight belongs on each route destination (spec.http[0].route[N].weight)");
    assertError(r, "spec.http[1].weight: ", "(spec.http[1].route[N].weight)");
  }

  @Test
  void reviewsSeedCorrectlyIndented_loadsAs75_25() {
    MeshConfig c = assertOk(load("reviews.yaml", resource("seeds/000-reviews-fixed.yaml")));
    assertEquals(List.of(new Destination("reviews", "v1", 0, 75), new Destination("reviews", "v2", 0, 25)),
        c.virtualServices().get(0).http().get(0).route());
  }
}
