package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.RouteConfigParserTest.error;
import static dev.meshwork.core.internal.model.parse.RouteConfigParserTest.onlyRoute;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.defaultRoute;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.routeConfig;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshwork.core.internal.model.RouteModel;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteActionParsingTest {
  private static RouteModel.Action parse(RouteAction.Builder a) throws Exception {
    return onlyRoute(routeConfig("r", defaultRoute().toBuilder().setRoute(a).build())).action();
  }

  private static String errorFor(RouteAction.Builder a) {
    return error(routeConfig("r", defaultRoute().toBuilder().setRoute(a).build()));
  }

  private static RouteAction.Builder cluster(String c) {
    return RouteAction.newBuilder().setCluster(c);
  }

  private static WeightedCluster.ClusterWeight weight(String name, int w) {
    return WeightedCluster.ClusterWeight.newBuilder().setName(name).setWeight(u32(w)).build();
  }

  @Test
  void weightedClusters_totalIsTheSum() throws Exception {
    RouteModel.Action a = parse(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
        .addClusters(weight("v1", 90)).addClusters(weight("v2", 10)).addClusters(weight("v3", 0))));
    assertEquals(100, a.totalWeight());
    assertEquals(List.of(new RouteModel.WeightedCluster("v1", 90), new RouteModel.WeightedCluster("v2", 10),
        new RouteModel.WeightedCluster("v3", 0)), a.clusters());
  }

  @Test
  void timeout_unsetIsEnvoys15s_zeroIsNone() throws Exception {
    assertEquals(Duration.ofSeconds(15), parse(cluster("c")).timeout());
    assertEquals(Duration.ZERO, parse(cluster("c").setTimeout(XdsFixtures.seconds(0))).timeout());
    assertEquals(Duration.ofMillis(1500), parse(cluster("c").setTimeout(XdsFixtures.millis(1500))).timeout());
  }

  @Test
  void retryPolicy_envoyDefaults() throws Exception {
    RouteModel.Retry r = parse(cluster("c").setRetryPolicy(RetryPolicy.newBuilder().setRetryOn(" 5xx, ,gateway-error")
        .addRetriableStatusCodes(503).setPerTryTimeout(XdsFixtures.seconds(1))
        .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(XdsFixtures.millis(100))))).retry();
    assertEquals(Set.of("5xx", "gateway-error"), r.retryOn());
    assertEquals(1, r.numRetries());
    assertEquals(Duration.ofSeconds(1), r.perTryTimeout());
    assertEquals(Set.of(503), r.retriableStatusCodes());
    assertEquals(Duration.ofMillis(100), r.backoffBase());
    assertEquals(Duration.ofSeconds(1), r.backoffMax());
    assertFalse(r.previousHosts());
    assertEquals(1, r.hostSelectionMaxAttempts());
    assertNull(parse(cluster("c")).retry());
  }

  @Test
  void retryBackoff_maxBelowBase_isInvalid() {
    assertEquals("route_config r: virtual_hosts[0].routes[0].route.retry_policy.retry_back_off.max_interval PT0.01S "
        + "is below base_interval PT0.1S", errorFor(cluster("c").setRetryPolicy(RetryPolicy.newBuilder()
            .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(XdsFixtures.millis(100))
                .setMaxInterval(XdsFixtures.millis(10))))));
  }

  @Test
  void hashPolicies_controlPlaneSourceIpPair_keepsOnlySourceIp() throws Exception {
    RouteModel.Action a = parse(cluster("c")
        .addHashPolicy(RouteAction.HashPolicy.newBuilder().setConnectionProperties(
            RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true)))
        .addHashPolicy(RouteAction.HashPolicy.newBuilder().setFilterState(
            RouteAction.HashPolicy.FilterState.newBuilder().setKey("io.grpc.channel_id")))
        .addHashPolicy(RouteAction.HashPolicy.newBuilder().setHeader(
            RouteAction.HashPolicy.Header.newBuilder().setHeaderName("X-User")).setTerminal(true))
        .addHashPolicy(RouteAction.HashPolicy.newBuilder().setCookie(
            RouteAction.HashPolicy.Cookie.newBuilder().setName("session"))));
    assertEquals(List.of(new RouteModel.HashPolicy(null, null, true, false),
        new RouteModel.HashPolicy("x-user", null, false, true),
        new RouteModel.HashPolicy(null, "session", false, false)), a.hashPolicies());
  }

  @Test
  void mirrors_fractionPerMillion_defaultAll() throws Exception {
    RouteModel.Action a = parse(cluster("c")
        .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setCluster("shadow"))
        .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setCluster("half")
            .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder().setNumerator(50)))));
    assertEquals(List.of(new RouteModel.Mirror("shadow", 1_000_000), new RouteModel.Mirror("half", 500_000)), a.mirrors());
  }

  @Test
  void invalidActions_nameTheField() {
    assertEquals("route_config r: virtual_hosts[0].routes[0].route.weighted_clusters.clusters weights sum to 0 (expected: > 0)",
        errorFor(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder().addClusters(weight("a", 0)))));
    assertEquals("route_config r: virtual_hosts[0].routes[0].route.cluster_header is not supported",
        errorFor(RouteAction.newBuilder().setClusterHeader("x-cluster")));
    assertEquals("route_config r: virtual_hosts[0].routes[0].route.prefix_rewrite is not supported",
        errorFor(cluster("c").setPrefixRewrite("/v2")));
    assertEquals("route_config r: virtual_hosts[0].routes[0].route names no cluster (expected: cluster or weighted_clusters)",
        errorFor(RouteAction.newBuilder()));
  }

  @Test
  void virtualHostRetryPolicy_isInheritedByRoutesWithout() throws Exception {
    Route plain = Route.newBuilder().setMatch(defaultRoute().getMatch()).setRoute(cluster("c")).build();
    var rc = routeConfig("r", plain).toBuilder();
    rc.getVirtualHostsBuilder(0).setRetryPolicy(RetryPolicy.newBuilder().setNumRetries(u32(4)));
    assertEquals(4, onlyRoute(rc.build()).action().retry().numRetries());
  }
}
