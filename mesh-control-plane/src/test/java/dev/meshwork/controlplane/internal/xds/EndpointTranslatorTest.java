package dev.meshwork.controlplane.internal.xds;

import static dev.meshwork.controlplane.internal.xds.Fixtures.config;
import static dev.meshwork.controlplane.internal.xds.Fixtures.dr;
import static dev.meshwork.controlplane.internal.xds.Fixtures.instance;
import static dev.meshwork.controlplane.internal.xds.Fixtures.se;
import static dev.meshwork.controlplane.internal.xds.Fixtures.source;
import static dev.meshwork.controlplane.internal.xds.Fixtures.subset;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.Locality;
import dev.meshwork.controlplane.internal.model.ServiceEntry;
import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import dev.meshwork.controlplane.internal.model.WorkloadEntry;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointTranslatorTest {
  private static List<String> addresses(ClusterLoadAssignment cla) {
    return cla.getEndpointsList().stream()
        .flatMap(l -> l.getLbEndpointsList().stream())
        .map(e -> e.getEndpoint().getAddress().getSocketAddress())
        .map(a -> a.getAddress() + ":" + a.getPortValue())
        .toList();
  }

  @Test
  void subsetClusters_getOnlyEndpointsCarryingAllSubsetLabels() {
    List<Endpoint> registry = List.of(
        instance("reviews", "10.0.0.1", 9080, Map.of("version", "v1")),
        instance("reviews", "10.0.0.2", 9080, Map.of("version", "v2", "canary", "true")),
        instance("reviews", "10.0.0.3", 9080, Map.of("version", "v2")));
    XdsResources r = XdsTranslator.translate(config(dr("reviews", TrafficPolicy.NONE,
        subset("v1", Map.of("version", "v1")), subset("canary", Map.of("version", "v2", "canary", "true")))), registry);
    assertEquals(List.of("10.0.0.1:9080", "10.0.0.2:9080", "10.0.0.3:9080"), addresses(r.endpoints().get("outbound|80||reviews")));
    assertEquals(List.of("10.0.0.1:9080"), addresses(r.endpoints().get("outbound|80|v1|reviews")));
    assertEquals(List.of("10.0.0.2:9080"), addresses(r.endpoints().get("outbound|80|canary|reviews")));
  }

  @Test
  void localities_areGroupedAndWeighted_soGrpcDoesNotDropThem() {
    Locality a = new Locality("eu", "eu-1a", "");
    Locality b = new Locality("eu", "eu-1b", "");
    List<Endpoint> registry = List.of(
        instance("reviews", "10.0.1.1", 80, Map.of(), b, 0),
        instance("reviews", "10.0.0.1", 80, Map.of(), a, 3),
        instance("reviews", "10.0.0.2", 80, Map.of(), a, 2));
    ClusterLoadAssignment cla = XdsTranslator.translate(config(), registry).endpoints().get("outbound|80||reviews");
    assertEquals(2, cla.getEndpointsCount());
    LocalityLbEndpoints first = cla.getEndpoints(0);
    assertEquals("eu-1a", first.getLocality().getZone());
    assertEquals(5, first.getLoadBalancingWeight().getValue());
    assertEquals(0, first.getPriority());
    LocalityLbEndpoints second = cla.getEndpoints(1);
    assertEquals(1, second.getLoadBalancingWeight().getValue(), "weight 0 means default 1, never a dropped locality");
    LbEndpoint e = second.getLbEndpoints(0);
    assertEquals(1, e.getLoadBalancingWeight().getValue());
    assertEquals(HealthStatus.HEALTHY, e.getHealthStatus());
  }

  @Test
  void clustersWithoutEndpoints_stillGetAnEmptyAssignment() {
    XdsResources r = XdsTranslator.translate(config(se("ratings", 9080), dr("ratings", TrafficPolicy.NONE, subset("v1", Map.of("version", "v1")))), List.of());
    assertEquals(r.clusters().keySet(), r.endpoints().keySet());
    ClusterLoadAssignment cla = r.endpoints().get("outbound|9080|v1|ratings");
    assertEquals("outbound|9080|v1|ratings", cla.getClusterName());
    assertEquals(0, cla.getEndpointsCount());
  }

  @Test
  void serviceEntryEndpoints_serveOnlyThePortsTheyMap() {
    // The loader expands workloadSelector'd WorkloadEntries into endpoints with Istio's port rule
    // (ServiceEntryParserTest); the translator serves each endpoint on the ports it maps.
    ServiceEntry se = new ServiceEntry(source("ServiceEntry", "db"), List.of("db"),
        List.of(new ServiceEntry.Port(5432, "pg", "TCP", 0), new ServiceEntry.Port(8080, "http", "HTTP", 18080)),
        List.of(new Endpoint("db", "10.1.0.1", Map.of(5432, 5432), Map.of(), Locality.NONE, 0, "inline"),
            new Endpoint("db", "10.1.0.9", Map.of(5432, 6432, 8080, 18080), Map.of("app", "db"), Locality.NONE, 0, "vm1")),
        Map.of("app", "db"));
    XdsResources r = XdsTranslator.translate(config(se), List.of());
    assertEquals(List.of("10.1.0.1:5432", "10.1.0.9:6432"), addresses(r.endpoints().get("outbound|5432||db")));
    assertEquals(List.of("10.1.0.9:18080"), addresses(r.endpoints().get("outbound|8080||db")));
  }

  @Test
  void anAddressServedTwice_isListedOnce() {
    List<Endpoint> registry = List.of(
        instance("reviews", "10.0.0.1", 80, Map.of()),
        new Endpoint("reviews", "10.0.0.1", Map.of(Endpoint.ANY_PORT, 80), Map.of(), Locality.NONE, 0, "registry:dup"));
    assertEquals(List.of("10.0.0.1:80"), addresses(XdsTranslator.translate(config(), registry).endpoints().get("outbound|80||reviews")));
  }
}
