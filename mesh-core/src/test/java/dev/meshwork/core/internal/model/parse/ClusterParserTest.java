package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.XdsFixtures.controlPlaneCluster;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.policy;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Struct;
import com.google.protobuf.UInt64Value;
import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.xds.InvalidResourceException;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.envoyproxy.envoy.type.v3.Percent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterParserTest {
  private final ClusterParser parser = new ClusterParser();

  private ClusterModel.Cluster parse(Cluster.Builder c) throws InvalidResourceException {
    return parser.parse(c.build());
  }

  private String error(Cluster.Builder c) {
    return assertThrows(InvalidResourceException.class, () -> parser.parse(c.build())).getMessage();
  }

  private static Cluster.Builder withPolicies(LoadBalancingPolicy.Policy... policies) {
    LoadBalancingPolicy.Builder list = LoadBalancingPolicy.newBuilder();
    for (LoadBalancingPolicy.Policy p : policies) {
      list.addPolicies(p);
    }
    return controlPlaneCluster().setLoadBalancingPolicy(list);
  }

  @Test
  void controlPlaneCluster_parsesWithUnlimitedThresholdsAndOutlier() throws Exception {
    ClusterModel.Cluster c = parse(controlPlaneCluster());
    assertEquals(XdsFixtures.CLUSTER, c.name());
    assertEquals(XdsFixtures.CLUSTER, c.edsServiceName());
    assertEquals(ClusterModel.LbPolicy.LEAST_REQUEST, c.lbPolicy());
    assertEquals(2, c.leastRequestChoices());
    long max = XdsFixtures.UNLIMITED;
    assertEquals(new ClusterModel.Thresholds(max, max, max, max), c.thresholds(), "uint32 0xFFFFFFFF is not -1");
    assertEquals(new ClusterModel.Outlier(7, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(300), 10),
        c.outlier());
    assertNull(c.retryBudget());
    assertEquals(Duration.ofSeconds(10), c.connectTimeout());
  }

  @Test
  void envoyDefaults_whenUnset() throws Exception {
    ClusterModel.Cluster c = parse(Cluster.newBuilder().setName("c").setType(Cluster.DiscoveryType.EDS)
        .setOutlierDetection(OutlierDetection.getDefaultInstance()));
    assertEquals("c", c.edsServiceName());
    assertEquals(ClusterModel.LbPolicy.ROUND_ROBIN, c.lbPolicy());
    assertEquals(ClusterModel.Thresholds.ENVOY_DEFAULTS, c.thresholds());
    assertEquals(new ClusterModel.Outlier(5, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(300), 10),
        c.outlier());
    assertEquals(Duration.ofSeconds(5), c.connectTimeout());
    assertNull(parse(Cluster.newBuilder().setName("c").setType(Cluster.DiscoveryType.EDS)).outlier());
  }

  @Test
  void gatewayFailureCounts_onlyWhenEnforced() throws Exception {
    OutlierDetection o = OutlierDetection.newBuilder().setConsecutive5Xx(u32(3)).setEnforcingConsecutive5Xx(u32(0))
        .setConsecutiveGatewayFailure(u32(4)).setEnforcingConsecutiveGatewayFailure(u32(100)).build();
    ClusterModel.Outlier out = parse(controlPlaneCluster().setOutlierDetection(o)).outlier();
    assertEquals(0, out.consecutive5xx());
    assertEquals(4, out.consecutiveGatewayFailure());
  }

  @Test
  void retryBudget_withDefaults() throws Exception {
    Cluster.Builder c = controlPlaneCluster().setCircuitBreakers(CircuitBreakers.newBuilder()
        .addThresholds(CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.HIGH).setMaxRequests(u32(1)))
        .addThresholds(CircuitBreakers.Thresholds.newBuilder().setMaxRequests(u32(50))
            .setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder().setBudgetPercent(Percent.newBuilder().setValue(25)))));
    ClusterModel.Cluster parsed = parse(c);
    assertEquals(new ClusterModel.Thresholds(1024, 1024, 50, 3), parsed.thresholds());
    assertEquals(new ClusterModel.RetryBudget(25, 3), parsed.retryBudget());
  }

  @Test
  void controlPlaneDefaultRetryBudget_isRead_nextToUnlimitedMaxRetries() throws Exception {
    // ClusterTranslator's default: retry_budget {budget_percent 20, min_retry_concurrency 3} on the DEFAULT thresholds.
    Cluster.Builder c = controlPlaneCluster();
    c.getCircuitBreakersBuilder().getThresholdsBuilder(0).setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder()
        .setBudgetPercent(Percent.newBuilder().setValue(20)).setMinRetryConcurrency(u32(3)));
    ClusterModel.Cluster parsed = parse(c);
    assertEquals(new ClusterModel.RetryBudget(20, 3), parsed.retryBudget());
    assertEquals(XdsFixtures.UNLIMITED, parsed.thresholds().maxRetries(), "kept, but a budget replaces it (Envoy)");
  }

  @Test
  void loadBalancingPolicyList_firstSupportedWins() throws Exception {
    assertEquals(ClusterModel.LbPolicy.RANDOM,
        parse(withPolicies(policy("x", Struct.getDefaultInstance()), policy("r", Random.getDefaultInstance()))).lbPolicy());
    ClusterModel.Cluster lr = parse(withPolicies(policy("lr", LeastRequest.newBuilder().setChoiceCount(u32(3)).build())));
    assertEquals(3, lr.leastRequestChoices());
    ClusterModel.Cluster ring = parse(withPolicies(policy("ring", RingHash.newBuilder().setHashFunction(RingHash.HashFunction.MURMUR_HASH_2)
        .setMinimumRingSize(UInt64Value.of(64)).setMaximumRingSize(UInt64Value.of(4096)).build())));
    assertEquals(ClusterModel.LbPolicy.RING_HASH, ring.lbPolicy());
    assertEquals(64, ring.minRingSize());
    assertEquals(4096, ring.maxRingSize());
    assertEquals(ClusterModel.LbPolicy.MAGLEV, parse(withPolicies(policy("m", Maglev.getDefaultInstance()))).lbPolicy());
    WrrLocality wrr = WrrLocality.newBuilder().setEndpointPickingPolicy(LoadBalancingPolicy.newBuilder()
        .addPolicies(policy("rr", RoundRobin.getDefaultInstance()))).build();
    assertEquals(ClusterModel.LbPolicy.ROUND_ROBIN, parse(withPolicies(policy("wrr", wrr))).lbPolicy());
  }

  @Test
  void lbPolicyEnum_withLegacyConfigs() throws Exception {
    Cluster.Builder ring = Cluster.newBuilder().setName("c").setType(Cluster.DiscoveryType.EDS).setLbPolicy(Cluster.LbPolicy.RING_HASH)
        .setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(2048)));
    assertEquals(2048, parse(ring).minRingSize());
    assertEquals(8 * 1024 * 1024, parse(ring).maxRingSize());
    assertEquals(ClusterModel.LbPolicy.MAGLEV, parse(ring.setLbPolicy(Cluster.LbPolicy.MAGLEV)).lbPolicy());
  }

  @Test
  void invalidClusters_nameResourceAndField() {
    assertEquals("cluster outbound|80||reviews: lb_policy CLUSTER_PROVIDED is not supported",
        error(controlPlaneCluster().clearLoadBalancingPolicy().setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)));
    assertEquals("cluster outbound|80||reviews: type STRICT_DNS is not supported (expected: EDS)",
        error(controlPlaneCluster().setType(Cluster.DiscoveryType.STRICT_DNS)));
    assertEquals("cluster outbound|80||reviews: load_balancing_policy has no supported policy (expected one of round_robin, "
        + "least_request, random, ring_hash, maglev)", error(withPolicies(policy("x", Struct.getDefaultInstance()))));
    assertEquals("cluster outbound|80||reviews: load_balancing_policy.policies[0].typed_extension_config.typed_config"
        + ".minimum_ring_size 9000 is above maximum_ring_size 100", error(withPolicies(policy("ring", RingHash.newBuilder()
            .setMinimumRingSize(UInt64Value.of(9000)).setMaximumRingSize(UInt64Value.of(100)).build()))));
    assertEquals("cluster outbound|80||reviews: outlier_detection.max_ejection_percent 150 is above 100",
        error(controlPlaneCluster().setOutlierDetection(OutlierDetection.newBuilder().setMaxEjectionPercent(u32(150)))));
  }

  private static Cluster.Builder withTls(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext v) {
    var tls = io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.newBuilder()
        .setSni("outbound_.80_._.reviews")
        .setCommonTlsContext(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext.newBuilder()
            .setCombinedValidationContext(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext
                .CombinedCertificateValidationContext.newBuilder().setDefaultValidationContext(v)))
        .build();
    return controlPlaneCluster().setTransportSocket(io.envoyproxy.envoy.config.core.v3.TransportSocket.newBuilder()
        .setName("envoy.transport_sockets.tls").setTypedConfig(com.google.protobuf.Any.pack(tls)));
  }

  @Test
  void tlsTransportSocket_becomesUpstreamTls_withTheExactPeerIdentities() throws Exception {
    var v = io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.newBuilder()
        .addMatchSubjectAltNames(io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder()
            .setExact("spiffe://cluster.local/ns/default/sa/reviews"))
        .addMatchSubjectAltNames(io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder()
            .setExact("spiffe://cluster.local/ns/default/sa/reviews-v2"))
        .build();
    dev.meshwork.core.engine.UpstreamTls tls = parse(withTls(v)).tls();
    assertEquals(java.util.Set.of("spiffe://cluster.local/ns/default/sa/reviews", "spiffe://cluster.local/ns/default/sa/reviews-v2"),
        tls.peerIdentities());
    assertEquals("outbound_.80_._.reviews", tls.sni());
    assertNull(parse(controlPlaneCluster()).tls(), "no transport socket is plaintext");
  }

  @Test
  void tlsPeerMatcherThatIsNotExact_isAnErrorRatherThanALooserCheck() {
    var v = io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.newBuilder()
        .addMatchSubjectAltNames(io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder()
            .setPrefix("spiffe://cluster.local/"))
        .build();
    assertEquals("cluster outbound|80||reviews: transport_socket.typed_config.common_tls_context.combined_validation_context"
        + ".default_validation_context.match_subject_alt_names[0] prefix is not supported (expected: exact)", error(withTls(v)));
  }
}
