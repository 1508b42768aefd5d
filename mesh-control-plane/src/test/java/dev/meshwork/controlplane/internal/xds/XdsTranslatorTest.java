package dev.meshwork.controlplane.internal.xds;

import static dev.meshwork.controlplane.internal.xds.Fixtures.config;
import static dev.meshwork.controlplane.internal.xds.Fixtures.dest;
import static dev.meshwork.controlplane.internal.xds.Fixtures.dr;
import static dev.meshwork.controlplane.internal.xds.Fixtures.exact;
import static dev.meshwork.controlplane.internal.xds.Fixtures.instance;
import static dev.meshwork.controlplane.internal.xds.Fixtures.match;
import static dev.meshwork.controlplane.internal.xds.Fixtures.route;
import static dev.meshwork.controlplane.internal.xds.Fixtures.se;
import static dev.meshwork.controlplane.internal.xds.Fixtures.subset;
import static dev.meshwork.controlplane.internal.xds.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.model.StringMatch;
import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XdsTranslatorTest {
  private static MeshConfig bookinfo() {
    return config(
        vs("reviews",
            route(dest("reviews", "v2", 100)).match(match().header("end-user", exact("jason")).without("x-skip", StringMatch.present())),
            route(dest("reviews", "v1", 90), dest("reviews", "v3", 10)).mirror(dest("reviews-shadow", 8080), 10)),
        dr("reviews", TrafficPolicy.NONE,
            subset("v1", Map.of("version", "v1")), subset("v2", Map.of("version", "v2")), subset("v3", Map.of("version", "v3"))),
        se("ratings", 9080, 9090));
  }

  private static List<Endpoint> registry() {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      out.add(instance("reviews", "10.0.0." + i, 9080, Map.of("version", "v" + (i % 3 + 1))));
    }
    out.add(instance("ratings", "10.0.1.1", 9080, Map.of()));
    return out;
  }

  @Test
  void registryOnlyService_getsPort80ClusterAndAListenerNamedLikeIt() {
    XdsResources r = XdsTranslator.translate(MeshConfig.EMPTY, List.of(instance("svc", "10.0.0.1", 8080, Map.of())));
    assertEquals(List.of("svc", "svc:80"), List.copyOf(r.listeners().keySet()));
    assertEquals(List.of("outbound|80||svc"), List.copyOf(r.clusters().keySet()));
    assertEquals(8080, r.endpoints().get("outbound|80||svc").getEndpoints(0).getLbEndpoints(0)
        .getEndpoint().getAddress().getSocketAddress().getPortValue());
    assertEquals("outbound|80||svc", r.routes().get("svc").getVirtualHosts(0).getRoutes(0).getRoute().getCluster());
  }

  @Test
  void registryOnlyService_routedToAnExplicitPort_getsThatClusterWithItsInstances() {
    XdsResources r = XdsTranslator.translate(config(vs("svc", route(dest("svc", 9080)))),
        List.of(instance("svc", "10.0.0.1", 8080, Map.of())));
    var cla = r.endpoints().get("outbound|9080||svc");
    assertEquals(1, cla.getEndpoints(0).getLbEndpointsCount(), "the named port's cluster exists and has the instance");
    assertEquals(8080, cla.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue());
    assertEquals("outbound|9080||svc", r.routes().get("svc").getVirtualHosts(0).getRoutes(0).getRoute().getCluster());
  }

  @Test
  void servicesAreTheUnionOfEveryHostNamed() {
    XdsResources r = XdsTranslator.translate(config(vs("front", route(dest("back"))), dr("cache", TrafficPolicy.NONE), se("db", 5432)),
        List.of(instance("queue", "10.0.0.1", 5672, Map.of())));
    assertEquals(List.of("outbound|5432||db", "outbound|80||back", "outbound|80||cache", "outbound|80||front", "outbound|80||queue"),
        List.copyOf(r.clusters().keySet()));
  }

  @Test
  void everyClusterARouteNamesOrMirrorsTo_exists() {
    XdsResources r = XdsTranslator.translate(bookinfo(), registry());
    assertTrue(r.clusters().containsKey("outbound|8080||reviews-shadow"), "a host only mirrored to still gets its cluster");
    for (var rc : r.routes().values()) {
      for (Route route : rc.getVirtualHosts(0).getRoutesList()) {
        RouteAction a = route.getRoute();
        List<String> names = a.hasWeightedClusters()
            ? a.getWeightedClusters().getClustersList().stream().map(WeightedCluster.ClusterWeight::getName).toList()
            : List.of(a.getCluster());
        a.getRequestMirrorPoliciesList().forEach(m -> assertTrue(r.clusters().containsKey(m.getCluster()), "mirror " + m));
        names.forEach(n -> assertTrue(r.clusters().containsKey(n), rc.getName() + " -> " + n));
      }
    }
  }

  @Test
  void outputIsDeterministic_whateverTheRegistryOrder() {
    List<Endpoint> shuffled = new ArrayList<>(registry());
    Collections.reverse(shuffled);
    XdsResources a = XdsTranslator.translate(bookinfo(), registry());
    XdsResources b = XdsTranslator.translate(bookinfo(), shuffled);
    assertEquals(a, b);
    assertEquals(List.copyOf(a.clusters().keySet()), List.copyOf(b.clusters().keySet()));
    assertEquals(a.endpoints().get("outbound|80||reviews").toByteString(), b.endpoints().get("outbound|80||reviews").toByteString());
  }

  @Test
  void resourcesAreUnmodifiableAndSortedByName() {
    XdsResources r = XdsTranslator.translate(bookinfo(), registry());
    List<String> names = new ArrayList<>(r.clusters().keySet());
    List<String> sorted = new ArrayList<>(names);
    Collections.sort(sorted);
    assertEquals(sorted, names);
    assertThrows(UnsupportedOperationException.class, () -> r.clusters().clear());
  }
}
