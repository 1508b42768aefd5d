package dev.meshwork.controlplane.internal.xds;

import static dev.meshwork.controlplane.internal.xds.Fixtures.config;
import static dev.meshwork.controlplane.internal.xds.Fixtures.dr;
import static dev.meshwork.controlplane.internal.xds.Fixtures.hash;
import static dev.meshwork.controlplane.internal.xds.Fixtures.lb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import dev.meshwork.controlplane.internal.model.DestinationRule;
import dev.meshwork.controlplane.internal.model.RetryBudget;
import dev.meshwork.controlplane.internal.model.Subset;
import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import dev.meshwork.controlplane.internal.model.TrafficPolicy.ConnectionPool;
import dev.meshwork.controlplane.internal.model.TrafficPolicy.OutlierDetection;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterTranslatorTest {
  private static final long MAX_UINT32 = 4294967295L;

  private static Cluster reviews(TrafficPolicy policy) {
    return XdsTranslator.translate(config(dr("reviews", policy)), List.of()).clusters().get("outbound|80||reviews");
  }

  private static List<String> policyTypes(Cluster c) {
    return c.getLoadBalancingPolicy().getPoliciesList().stream()
        .map(LoadBalancingPolicy.Policy::getTypedExtensionConfig)
        .map(t -> t.getTypedConfig().getTypeUrl().substring(t.getTypedConfig().getTypeUrl().lastIndexOf('.') + 1))
        .toList();
  }

  private static long u32(com.google.protobuf.UInt32Value v) {
    return Integer.toUnsignedLong(v.getValue());
  }

  @Test
  void edsClusterOverAds_namedLikeItsEdsService_withIstiosConnectTimeout() {
    Cluster c = reviews(TrafficPolicy.NONE);
    assertEquals(Cluster.DiscoveryType.EDS, c.getType());
    assertTrue(c.getEdsClusterConfig().getEdsConfig().hasAds());
    assertEquals("outbound|80||reviews", c.getEdsClusterConfig().getServiceName());
    assertEquals(Durations.fromSeconds(10), c.getConnectTimeout());
    assertFalse(c.hasOutlierDetection());
    assertEquals(0, c.getTypedExtensionProtocolOptionsCount());
  }

  @Test
  void defaultLoadBalancer_isLeastRequest_withRoundRobinFallback() throws Exception {
    Cluster c = reviews(TrafficPolicy.NONE);
    assertEquals(Cluster.LbPolicy.LEAST_REQUEST, c.getLbPolicy());
    assertEquals(List.of("LeastRequest", "RoundRobin"), policyTypes(c));
    assertTrue(c.getLoadBalancingPolicy().getPolicies(0).getTypedExtensionConfig().getTypedConfig().is(LeastRequest.class));
    assertEquals(policyTypes(c), policyTypes(reviews(lb(TrafficPolicy.Simple.LEAST_REQUEST))));
  }

  @Test
  void roundRobin_andRandomFallingBackToRoundRobin() {
    Cluster rr = reviews(lb(TrafficPolicy.Simple.ROUND_ROBIN));
    assertEquals(Cluster.LbPolicy.ROUND_ROBIN, rr.getLbPolicy());
    assertEquals(List.of("RoundRobin"), policyTypes(rr));
    Cluster random = reviews(lb(TrafficPolicy.Simple.RANDOM));
    assertEquals(Cluster.LbPolicy.RANDOM, random.getLbPolicy());
    assertTrue(random.getLoadBalancingPolicy().getPolicies(0).getTypedExtensionConfig().getTypedConfig().is(Random.class));
    assertTrue(random.getLoadBalancingPolicy().getPolicies(1).getTypedExtensionConfig().getTypedConfig().is(RoundRobin.class));
  }

  @Test
  void passthrough_isAnOriginalDstCluster_asIstiodWritesIt() {
    Cluster c = reviews(lb(TrafficPolicy.Simple.PASSTHROUGH));
    assertEquals(Cluster.DiscoveryType.ORIGINAL_DST, c.getType());
    assertEquals(Cluster.LbPolicy.CLUSTER_PROVIDED, c.getLbPolicy());
    assertFalse(c.hasEdsClusterConfig(), "no EDS: the destination is the caller's original one");
    assertFalse(c.hasLoadBalancingPolicy());
  }

  @Test
  void consistentHash_isRingHashWithXxHash() throws Exception {
    Cluster c = reviews(hash(new TrafficPolicy.ConsistentHash("x-user", null, false, 2048)));
    assertEquals(Cluster.LbPolicy.RING_HASH, c.getLbPolicy());
    assertEquals(1, c.getLoadBalancingPolicy().getPoliciesCount());
    RingHash ring = c.getLoadBalancingPolicy().getPolicies(0).getTypedExtensionConfig().getTypedConfig().unpack(RingHash.class);
    assertEquals(RingHash.HashFunction.XX_HASH, ring.getHashFunction());
    assertEquals(2048, ring.getMinimumRingSize().getValue());
    RingHash unsized = reviews(hash(new TrafficPolicy.ConsistentHash("x-user", null, false, 0)))
        .getLoadBalancingPolicy().getPolicies(0).getTypedExtensionConfig().getTypedConfig().unpack(RingHash.class);
    assertFalse(unsized.hasMinimumRingSize());
  }

  @Test
  void circuitBreakers_defaultToIstiosUnlimited() {
    CircuitBreakers.Thresholds t = reviews(TrafficPolicy.NONE).getCircuitBreakers().getThresholds(0);
    assertEquals(RoutingPriority.DEFAULT, t.getPriority());
    assertEquals(MAX_UINT32, u32(t.getMaxConnections()));
    assertEquals(MAX_UINT32, u32(t.getMaxPendingRequests()));
    assertEquals(MAX_UINT32, u32(t.getMaxRequests()));
    assertEquals(MAX_UINT32, u32(t.getMaxRetries()));
  }

  @Test
  void connectionPool_overridesThresholdsAndConnectTimeout_andUpgradesToH2() throws Exception {
    ConnectionPool pool = new ConnectionPool(100, Duration.ofMillis(250), 10, 50, null, TrafficPolicy.H2UpgradePolicy.UPGRADE);
    Cluster c = reviews(new TrafficPolicy(null, pool, null));
    CircuitBreakers.Thresholds t = c.getCircuitBreakers().getThresholds(0);
    assertEquals(100, u32(t.getMaxConnections()));
    assertEquals(10, u32(t.getMaxPendingRequests()));
    assertEquals(50, u32(t.getMaxRequests()));
    assertEquals(MAX_UINT32, u32(t.getMaxRetries()));
    assertEquals(Durations.fromMillis(250), c.getConnectTimeout());
    HttpProtocolOptions h2 = c.getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
        .unpack(HttpProtocolOptions.class);
    assertTrue(h2.getExplicitHttpConfig().hasHttp2ProtocolOptions());
  }

  @Test
  void outlierDetection_mirrorsIstio_andRestatesItForGrpcAsFailurePercentage() {
    Cluster c = reviews(new TrafficPolicy(null, null, new OutlierDetection(3, 7, Duration.ofSeconds(5), null, 50)));
    var o = c.getOutlierDetection();
    assertEquals(3, o.getConsecutive5Xx().getValue());
    assertEquals(100, o.getEnforcingConsecutive5Xx().getValue());
    assertEquals(7, o.getConsecutiveGatewayFailure().getValue());
    assertEquals(100, o.getEnforcingConsecutiveGatewayFailure().getValue());
    assertEquals(Durations.fromSeconds(5), o.getInterval());
    assertEquals(Durations.fromSeconds(30), o.getBaseEjectionTime());
    assertEquals(50, o.getMaxEjectionPercent().getValue());
    assertTrue(o.hasEnforcingSuccessRate());
    assertEquals(0, o.getEnforcingSuccessRate().getValue());
    assertEquals(99, o.getFailurePercentageThreshold().getValue());
    assertEquals(100, o.getEnforcingFailurePercentage().getValue());
    assertEquals(1, o.getFailurePercentageMinimumHosts().getValue());
    assertEquals(7, o.getFailurePercentageRequestVolume().getValue());
    assertEquals(0, c.getCommonLbConfig().getHealthyPanicThreshold().getValue(), 0.0);
    assertTrue(c.getCommonLbConfig().hasHealthyPanicThreshold());
  }

  @Test
  void emptyOutlierDetection_usesIstiosDefaults() {
    var o = reviews(new TrafficPolicy(null, null, new OutlierDetection(null, null, null, null, null))).getOutlierDetection();
    assertEquals(5, o.getConsecutive5Xx().getValue());
    assertFalse(o.hasConsecutiveGatewayFailure());
    assertEquals(Durations.fromSeconds(10), o.getInterval());
    assertEquals(10, o.getMaxEjectionPercent().getValue());
    assertEquals(5, o.getFailurePercentageRequestVolume().getValue());
  }

  @Test
  void zeroConsecutiveErrors_disablesEjectionForGrpcToo() {
    var o = reviews(new TrafficPolicy(null, null, new OutlierDetection(0, null, null, null, null))).getOutlierDetection();
    assertEquals(0, o.getEnforcingConsecutive5Xx().getValue());
    assertTrue(o.hasEnforcingFailurePercentage());
    assertEquals(0, o.getEnforcingFailurePercentage().getValue());
    assertFalse(o.hasFailurePercentageThreshold());
  }

  @Test
  void subsetCluster_policyOverridesTheRulePartByPart() {
    TrafficPolicy rule = new TrafficPolicy(new TrafficPolicy.LoadBalancer(TrafficPolicy.Simple.ROUND_ROBIN, null),
        new ConnectionPool(7, null, null, null, null, null), null);
    Subset v2 = new Subset("v2", Map.of("version", "v2"), lb(TrafficPolicy.Simple.RANDOM));
    XdsResources r = XdsTranslator.translate(config(dr("reviews", rule, v2)), List.of());
    Cluster subset = r.clusters().get("outbound|80|v2|reviews");
    assertEquals(Cluster.LbPolicy.RANDOM, subset.getLbPolicy());
    assertEquals(7, u32(subset.getCircuitBreakers().getThresholds(0).getMaxConnections()));
    assertEquals(Cluster.LbPolicy.ROUND_ROBIN, r.clusters().get("outbound|80||reviews").getLbPolicy());
  }

  @Test
  void everyCluster_getsMeshworksDefaultRetryBudget_20PercentMin3() {
    XdsResources r = XdsTranslator.translate(config(
        dr("reviews", TrafficPolicy.NONE, Fixtures.subset("v1", Map.of()))),
        List.of(Fixtures.instance("ratings", "10.0.0.1", 9080, Map.of())));
    assertEquals(java.util.Set.of("outbound|80||ratings", "outbound|80||reviews", "outbound|80|v1|reviews"), r.clusters().keySet());
    for (Cluster c : r.clusters().values()) {
      CircuitBreakers.Thresholds t = c.getCircuitBreakers().getThresholds(0);
      assertTrue(t.hasRetryBudget(), c.getName());
      assertEquals(20.0, t.getRetryBudget().getBudgetPercent().getValue());
      assertEquals(3, t.getRetryBudget().getMinRetryConcurrency().getValue());
    }
  }

  @Test
  void retryBudgetAnnotations_overrideTheDefault_forEveryClusterOfTheRule() {
    DestinationRule rule = new DestinationRule(Fixtures.source("DestinationRule", "reviews"), "reviews", TrafficPolicy.NONE,
        List.of(Fixtures.subset("v1", Map.of())), new RetryBudget(50, 0));
    XdsResources r = XdsTranslator.translate(config(rule), List.of());
    for (String name : List.of("outbound|80||reviews", "outbound|80|v1|reviews")) {
      CircuitBreakers.Thresholds.RetryBudget b = r.clusters().get(name).getCircuitBreakers().getThresholds(0).getRetryBudget();
      assertEquals(50.0, b.getBudgetPercent().getValue(), name);
      assertEquals(0, b.getMinRetryConcurrency().getValue(), name);
      assertTrue(b.hasMinRetryConcurrency(), "0 is sent explicitly, not left to Envoy's default of 3");
    }
  }

  @Test
  void explicitMaxRetries_keepsIstioSemantics_noDefaultBudget() {
    ConnectionPool retries = new ConnectionPool(null, null, null, null, 7, null);
    DestinationRule rule = new DestinationRule(Fixtures.source("DestinationRule", "reviews"), "reviews", TrafficPolicy.NONE,
        List.of(new Subset("v1", Map.of(), new TrafficPolicy(null, retries, null)), Fixtures.subset("v2", Map.of())), null);
    XdsResources r = XdsTranslator.translate(config(rule), List.of());
    CircuitBreakers.Thresholds v1 = r.clusters().get("outbound|80|v1|reviews").getCircuitBreakers().getThresholds(0);
    assertFalse(v1.hasRetryBudget(), "Envoy would ignore max_retries next to a budget");
    assertEquals(7, u32(v1.getMaxRetries()));
    assertTrue(r.clusters().get("outbound|80|v2|reviews").getCircuitBreakers().getThresholds(0).hasRetryBudget());
  }
}
