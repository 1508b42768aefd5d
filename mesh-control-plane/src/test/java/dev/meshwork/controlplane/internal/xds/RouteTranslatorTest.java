package dev.meshwork.controlplane.internal.xds;

import static dev.meshwork.controlplane.internal.xds.Fixtures.config;
import static dev.meshwork.controlplane.internal.xds.Fixtures.dest;
import static dev.meshwork.controlplane.internal.xds.Fixtures.dr;
import static dev.meshwork.controlplane.internal.xds.Fixtures.exact;
import static dev.meshwork.controlplane.internal.xds.Fixtures.hash;
import static dev.meshwork.controlplane.internal.xds.Fixtures.match;
import static dev.meshwork.controlplane.internal.xds.Fixtures.prefix;
import static dev.meshwork.controlplane.internal.xds.Fixtures.regex;
import static dev.meshwork.controlplane.internal.xds.Fixtures.route;
import static dev.meshwork.controlplane.internal.xds.Fixtures.se;
import static dev.meshwork.controlplane.internal.xds.Fixtures.subset;
import static dev.meshwork.controlplane.internal.xds.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import dev.meshwork.controlplane.internal.model.Fault;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.model.Retries;
import dev.meshwork.controlplane.internal.model.StringMatch;
import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTranslatorTest {
  private static final TrafficPolicy NO_POLICY = TrafficPolicy.NONE;

  private static List<Route> routes(MeshConfig config, String routeConfig) {
    RouteConfiguration rc = XdsTranslator.translate(config, List.of()).routes().get(routeConfig);
    assertEquals(List.of("*"), rc.getVirtualHosts(0).getDomainsList());
    return rc.getVirtualHosts(0).getRoutesList();
  }

  private static Route only(MeshConfig config) {
    List<Route> routes = routes(config, "reviews");
    assertEquals(1, routes.size());
    return routes.get(0);
  }

  @Test
  void weightedSplit_90_10_becomesWeightedClustersToSubsetClusters() {
    MeshConfig c = config(
        vs("reviews", route(dest("reviews", "v1", 90), dest("reviews", "v2", 10))),
        dr("reviews", NO_POLICY, subset("v1", Map.of("version", "v1")), subset("v2", Map.of("version", "v2"))));
    WeightedCluster w = only(c).getRoute().getWeightedClusters();
    assertEquals(2, w.getClustersCount());
    assertEquals("outbound|80|v1|reviews", w.getClusters(0).getName());
    assertEquals(90, w.getClusters(0).getWeight().getValue());
    assertEquals("outbound|80|v2|reviews", w.getClusters(1).getName());
    assertEquals(10, w.getClusters(1).getWeight().getValue());
  }

  @Test
  void zeroWeightDestinationsAreDroppedFromASplit_likeIstio() {
    MeshConfig c = config(
        vs("reviews", route(dest("reviews", "v1", 100), dest("reviews", "v2", 0))),
        dr("reviews", NO_POLICY, subset("v1", Map.of()), subset("v2", Map.of())));
    WeightedCluster w = only(c).getRoute().getWeightedClusters();
    assertEquals(1, w.getClustersCount());
    assertEquals("outbound|80|v1|reviews", w.getClusters(0).getName());
  }

  @Test
  void singleDestination_becomesPlainCluster() {
    assertEquals("outbound|80||ratings", only(config(vs("reviews", route(dest("ratings"))))).getRoute().getCluster());
  }

  @Test
  void headerExactMatch_becomesStringMatchExact() {
    Route r = only(config(vs("reviews", route(dest("reviews")).match(match().header("end-user", exact("jason"))))));
    HeaderMatcher h = r.getMatch().getHeaders(0);
    assertEquals("end-user", h.getName());
    assertEquals("jason", h.getStringMatch().getExact());
    assertFalse(h.getInvertMatch());
  }

  @Test
  void presentHeader_becomesPresentMatch_andWithoutHeaders_invert() {
    Route r = only(config(vs("reviews", route(dest("reviews")).match(match()
        .header("x-canary", StringMatch.present())
        .without("x-debug", StringMatch.present())
        .without("x-env", prefix("prod"))))));
    List<HeaderMatcher> h = r.getMatch().getHeadersList();
    assertEquals(List.of("x-canary", "x-debug", "x-env"), h.stream().map(HeaderMatcher::getName).toList());
    assertTrue(h.get(0).getPresentMatch());
    assertFalse(h.get(0).getInvertMatch());
    assertTrue(h.get(1).getPresentMatch());
    assertTrue(h.get(1).getInvertMatch());
    assertEquals("prod", h.get(2).getStringMatch().getPrefix());
    assertTrue(h.get(2).getInvertMatch());
    assertTrue(h.get(2).getTreatMissingHeaderAsEmpty(), "a request without x-env is not prod: Istio matches it");
  }

  @Test
  void uriKindsCaseMethodAndQueryParams() {
    MeshConfig c = config(vs("reviews",
        route(dest("reviews")).match(match().uri(exact("/a"))).match(match().uri(prefix("/b")).ignoreUriCase()),
        route(dest("reviews")).match(match().uri(regex("/c/[0-9]+")).method(exact("GET")).query("v", exact("2")).query("dbg", StringMatch.present()))));
    List<Route> routes = routes(c, "reviews");
    assertEquals(3, routes.size());
    assertEquals("/a", routes.get(0).getMatch().getPath());
    assertTrue(routes.get(0).getMatch().getCaseSensitive().getValue());
    assertEquals("/b", routes.get(1).getMatch().getPrefix());
    assertFalse(routes.get(1).getMatch().getCaseSensitive().getValue());
    RouteMatch m = routes.get(2).getMatch();
    assertEquals("/c/[0-9]+", m.getSafeRegex().getRegex());
    assertEquals(":method", m.getHeaders(0).getName());
    assertEquals("GET", m.getHeaders(0).getStringMatch().getExact());
    assertEquals("dbg", m.getQueryParameters(0).getName());
    assertTrue(m.getQueryParameters(0).getPresentMatch());
    assertEquals("2", m.getQueryParameters(1).getStringMatch().getExact());
  }

  @Test
  void matchList_becomesOneRoutePerMatchWithTheSameAction_namedLikeIstio() {
    MeshConfig c = config(vs("reviews",
        route(dest("ratings")).name("r1").match(match().name("a").uri(prefix("/a"))).match(match().uri(prefix("/b"))),
        route(dest("reviews"))));
    List<Route> routes = routes(c, "reviews");
    assertEquals(List.of("r1.a", "r1", ""), routes.stream().map(Route::getName).toList());
    assertEquals(routes.get(0).getRoute(), routes.get(1).getRoute());
    assertEquals("outbound|80||reviews", routes.get(2).getRoute().getCluster());
  }

  @Test
  void routesAfterACatchAllAreNotEmitted_andNoCatchAllIsAdded() {
    List<Route> routes = routes(config(vs("reviews",
        route(dest("reviews")).match(match().uri(prefix("/v1"))),
        route(dest("ratings")),
        route(dest("details")))), "reviews");
    assertEquals(2, routes.size());
    List<Route> noCatchAll = routes(config(vs("reviews", route(dest("reviews")).match(match().uri(prefix("/v1"))))), "reviews");
    assertEquals(1, noCatchAll.size(), "unmatched requests get no route (Istio: 404)");
  }

  @Test
  void noVirtualService_oneDefaultRouteToTheWholeService() {
    Route r = only(config(se("reviews", 9080)));
    assertEquals("default", r.getName());
    assertEquals("/", r.getMatch().getPrefix());
    assertEquals("outbound|9080||reviews", r.getRoute().getCluster());
    assertEquals(2, r.getRoute().getRetryPolicy().getNumRetries().getValue());
  }

  @Test
  void timeout_appearsInMaxStreamDurationForGrpc() {
    RouteAction a = only(config(vs("reviews", route(dest("reviews")).timeout(Duration.ofMillis(1500))))).getRoute();
    assertEquals(Durations.fromMillis(1500), a.getTimeout());
    assertEquals(Durations.fromMillis(1500), a.getMaxStreamDuration().getMaxStreamDuration());
    assertEquals(Durations.fromMillis(1500), a.getMaxStreamDuration().getGrpcTimeoutHeaderMax());
  }

  @Test
  void noTimeout_disablesEnvoysDefaultAndSetsNoMaxStreamDuration() {
    RouteAction a = only(config(vs("reviews", route(dest("reviews"))))).getRoute();
    assertTrue(a.hasTimeout());
    assertEquals(Durations.ZERO, a.getTimeout());
    assertFalse(a.hasMaxStreamDuration());
  }

  @Test
  void noRetries_appliesIstiosDefaultPolicy() {
    var p = only(config(vs("reviews", route(dest("reviews"))))).getRoute().getRetryPolicy();
    assertEquals(2, p.getNumRetries().getValue());
    assertEquals("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes", p.getRetryOn());
    assertEquals(List.of(), p.getRetriableStatusCodesList());
    assertEquals("envoy.retry_host_predicates.previous_hosts", p.getRetryHostPredicate(0).getName());
    assertEquals(5, p.getHostSelectionRetryMaxAttempts());
  }

  @Test
  void attemptsZero_removesTheRetryPolicy() {
    RouteAction a = only(config(vs("reviews", route(dest("reviews")).retries(new Retries(0, null, List.of(), List.of()))))).getRoute();
    assertFalse(a.hasRetryPolicy());
  }

  @Test
  void configuredRetries_replaceAttemptsTokensCodesAndPerTryTimeout() {
    var p = only(config(vs("reviews", route(dest("reviews"))
        .retries(new Retries(3, Duration.ofSeconds(2), List.of("unavailable", "5xx"), List.of(503)))))).getRoute().getRetryPolicy();
    assertEquals(3, p.getNumRetries().getValue());
    assertEquals("unavailable,5xx,retriable-status-codes", p.getRetryOn());
    assertEquals(List.of(503), p.getRetriableStatusCodesList());
    assertEquals(Durations.fromSeconds(2), p.getPerTryTimeout());
    assertEquals(1, p.getRetryHostPredicateCount());
  }

  @Test
  void faultPercentage20_isPerMillion_andAbortMapsGrpcStatusName() throws Exception {
    Fault f = new Fault(new Fault.Delay(Duration.ofSeconds(5), 20), new Fault.Abort(0, "UNAVAILABLE", 0.5));
    Route r = only(config(vs("reviews", route(dest("reviews")).fault(f))));
    HTTPFault fault = r.getTypedPerFilterConfigOrThrow("envoy.filters.http.fault").unpack(HTTPFault.class);
    assertEquals(200_000, fault.getDelay().getPercentage().getNumerator());
    assertEquals(FractionalPercent.DenominatorType.MILLION, fault.getDelay().getPercentage().getDenominator());
    assertEquals(Durations.fromSeconds(5), fault.getDelay().getFixedDelay());
    assertEquals(14, fault.getAbort().getGrpcStatus());
    assertEquals(5_000, fault.getAbort().getPercentage().getNumerator());
  }

  @Test
  void httpAbort_keepsTheHttpStatus() throws Exception {
    Route r = only(config(vs("reviews", route(dest("reviews")).fault(new Fault(null, new Fault.Abort(503, null, 100))))));
    HTTPFault fault = r.getTypedPerFilterConfigOrThrow("envoy.filters.http.fault").unpack(HTTPFault.class);
    assertEquals(503, fault.getAbort().getHttpStatus());
    assertEquals(1_000_000, fault.getAbort().getPercentage().getNumerator());
    assertFalse(fault.hasDelay());
  }

  @Test
  void consistentHashOnHeader_becomesHashPolicy_andRetriesStayOnTheHost() {
    MeshConfig c = config(vs("reviews", route(dest("reviews"))),
        dr("reviews", hash(new TrafficPolicy.ConsistentHash("x-user", null, false, 0))));
    RouteAction a = only(c).getRoute();
    assertEquals("x-user", a.getHashPolicy(0).getHeader().getHeaderName());
    assertEquals(0, a.getRetryPolicy().getRetryHostPredicateCount());
  }

  @Test
  void consistentHashOnSourceIp_alsoHashesTheGrpcChannel() {
    RouteAction a = only(config(dr("reviews", hash(new TrafficPolicy.ConsistentHash(null, null, true, 0))))).getRoute();
    assertEquals(2, a.getHashPolicyCount());
    assertTrue(a.getHashPolicy(0).getConnectionProperties().getSourceIp());
    assertEquals("io.grpc.channel_id", a.getHashPolicy(1).getFilterState().getKey());
  }

  @Test
  void weightedDestinations_hashLikeTheFirstDestinationThatHashes() {
    MeshConfig c = config(
        vs("reviews", route(dest("reviews", "v1", 50), dest("reviews", "v2", 50))),
        dr("reviews", NO_POLICY,
            subset("v1", Map.of()),
            new dev.meshwork.controlplane.internal.model.Subset("v2", Map.of(),
                hash(new TrafficPolicy.ConsistentHash(null, new TrafficPolicy.HttpCookie("sid", "/", Duration.ofMinutes(1)), false, 0)))));
    RouteAction a = only(c).getRoute();
    assertEquals(1, a.getHashPolicyCount());
    assertEquals("sid", a.getHashPolicy(0).getCookie().getName());
    assertEquals(Durations.fromSeconds(60), a.getHashPolicy(0).getCookie().getTtl());
  }

  @Test
  void destinationWithoutPort_onAMultiPortService_followsTheListenerPort() {
    MeshConfig c = config(se("reviews", 9080, 9090), vs("reviews", route(dest("reviews"))));
    assertEquals("outbound|9080||reviews", routes(c, "reviews").get(0).getRoute().getCluster());
    assertEquals("outbound|9080||reviews", routes(c, "reviews:9080").get(0).getRoute().getCluster());
    assertEquals("outbound|9090||reviews", routes(c, "reviews:9090").get(0).getRoute().getCluster());
    MeshConfig explicit = config(se("reviews", 9080, 9090), vs("reviews", route(Fixtures.dest("reviews", 9090))));
    assertEquals("outbound|9090||reviews", routes(explicit, "reviews:9080").get(0).getRoute().getCluster());
  }

  @Test
  void mirror_becomesRequestMirrorPolicy_percentPerMillion_likeIstiod() {
    MeshConfig c = config(
        vs("reviews", route(dest("reviews", "v1", 100)).mirror(dest("reviews", "v2", 100), 50)),
        dr("reviews", NO_POLICY, subset("v1", Map.of()), subset("v2", Map.of())));
    List<RouteAction.RequestMirrorPolicy> mirrors = only(c).getRoute().getRequestMirrorPoliciesList();
    assertEquals(1, mirrors.size());
    assertEquals("outbound|80|v2|reviews", mirrors.get(0).getCluster());
    FractionalPercent pct = mirrors.get(0).getRuntimeFraction().getDefaultValue();
    assertEquals(500_000, pct.getNumerator());
    assertEquals(FractionalPercent.DenominatorType.MILLION, pct.getDenominator());
  }

  @Test
  void mirrors_keepOrder_resolvePortsLikeDestinations_andZeroPercentEmitsNothing() {
    MeshConfig c = config(se("reviews", 9080, 9090), se("audit", 7000),
        vs("reviews", route(dest("reviews"))
            .mirror(dest("audit"), 100)
            .mirror(dest("reviews", 9090), 0.0001)
            .mirror(dest("ratings"), 0)));
    for (String listener : List.of("reviews", "reviews:9090")) {
      List<RouteAction.RequestMirrorPolicy> m = routes(c, listener).get(0).getRoute().getRequestMirrorPoliciesList();
      assertEquals(List.of("outbound|7000||audit", "outbound|9090||reviews"),
          m.stream().map(RouteAction.RequestMirrorPolicy::getCluster).toList(), listener);
      assertEquals(1_000_000, m.get(0).getRuntimeFraction().getDefaultValue().getNumerator());
      assertEquals(1, m.get(1).getRuntimeFraction().getDefaultValue().getNumerator());
    }
  }

  @Test
  void localRateLimit_goesOnEveryRoute_asAnOptionalFilterConfigWithTheBucket() throws Exception {
    MeshConfig c = config(vs("reviews", new dev.meshwork.controlplane.internal.model.LocalRateLimit(100, Duration.ofSeconds(1), 200),
        route(dest("reviews")).match(match().uri(prefix("/a"))).match(match().uri(prefix("/b"))),
        route(dest("ratings"))));
    List<Route> routes = routes(c, "reviews");
    assertEquals(3, routes.size());
    for (Route r : routes) {
      FilterConfig wrapper = r.getTypedPerFilterConfigOrThrow("envoy.filters.http.local_ratelimit").unpack(FilterConfig.class);
      assertTrue(wrapper.getIsOptional(), "gRPC skips an optional per-route config of a filter it lacks");
      LocalRateLimit l = wrapper.getConfig().unpack(LocalRateLimit.class);
      assertEquals("http_local_rate_limiter", l.getStatPrefix());
      assertEquals(200, l.getTokenBucket().getMaxTokens());
      assertEquals(100, l.getTokenBucket().getTokensPerFill().getValue());
      assertEquals(Durations.fromSeconds(1), l.getTokenBucket().getFillInterval());
      for (var pct : List.of(l.getFilterEnabled(), l.getFilterEnforced())) {
        assertEquals(100, pct.getDefaultValue().getNumerator());
        assertEquals(FractionalPercent.DenominatorType.HUNDRED, pct.getDefaultValue().getDenominator());
      }
      assertEquals(StatusCode.TooManyRequests, l.getStatus().getCode());
    }
    assertEquals(0, routes(config(vs("reviews", route(dest("reviews")))), "reviews").get(0).getTypedPerFilterConfigCount());
  }
}
