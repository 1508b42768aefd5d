package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.XdsFixtures.defaultRoute;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.routeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import dev.meshwork.core.internal.model.RouteModel;
import dev.meshwork.core.internal.xds.InvalidResourceException;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteConfigParserTest {
  static final String FAULT = "envoy.filters.http.fault";
  static final String RATE_LIMIT = "envoy.filters.http.local_ratelimit";
  private final RouteConfigParser parser = new RouteConfigParser();

  static RouteModel.Route onlyRoute(RouteConfiguration rc) throws InvalidResourceException {
    return new RouteConfigParser().parse(rc).virtualHosts().get(0).routes().get(0);
  }

  static String error(RouteConfiguration rc) {
    return assertThrows(InvalidResourceException.class, () -> new RouteConfigParser().parse(rc)).getMessage();
  }

  static HTTPFault abort503(int percent) {
    return HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder().setHttpStatus(503)
        .setPercentage(FractionalPercent.newBuilder().setNumerator(percent))).build();
  }

  @Test
  void controlPlaneDefaultRoute_parsesWithIstioDefaults() throws Exception {
    RouteModel.RouteConfig rc = parser.parse(routeConfig("reviews", defaultRoute()));
    assertEquals("reviews", rc.name());
    RouteModel.VirtualHost vh = rc.virtualHosts().get(0);
    assertEquals(List.of("*"), vh.domains());
    RouteModel.Route r = vh.routes().get(0);
    assertEquals("default", r.name());
    assertEquals(List.of(new RouteModel.WeightedCluster(XdsFixtures.CLUSTER, 1)), r.action().clusters());
    assertEquals(1, r.action().totalWeight());
    assertEquals(Duration.ZERO, r.action().timeout());
    RouteModel.Retry retry = r.action().retry();
    assertEquals(2, retry.numRetries());
    assertEquals(java.util.Set.of("connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes"),
        retry.retryOn());
    assertEquals(true, retry.previousHosts());
    assertEquals(5, retry.hostSelectionMaxAttempts());
    assertEquals(Duration.ofMillis(25), retry.backoffBase());
    assertEquals(Duration.ofMillis(250), retry.backoffMax());
    assertNull(r.fault());
    assertNull(r.rateLimit());
  }

  @Test
  void routesAndVirtualHostsKeepTheirOrder() throws Exception {
    Route a = defaultRoute().toBuilder().setName("a").build();
    Route b = defaultRoute().toBuilder().setName("b").build();
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName("r")
        .addVirtualHosts(VirtualHost.newBuilder().setName("one").addDomains("one").addRoutes(b).addRoutes(a))
        .addVirtualHosts(VirtualHost.newBuilder().setName("two").addDomains("*").addRoutes(a))
        .build();
    RouteModel.RouteConfig parsed = parser.parse(rc);
    assertEquals(List.of("b", "a"), parsed.virtualHosts().get(0).routes().stream().map(RouteModel.Route::name).toList());
    assertEquals("two", parsed.virtualHosts().get(1).name());
  }

  @Test
  void routeFaultOverride_fromControlPlane() throws Exception {
    Route r = defaultRoute().toBuilder().putTypedPerFilterConfig(FAULT, Any.pack(HTTPFault.newBuilder()
        .setDelay(FaultDelay.newBuilder().setFixedDelay(XdsFixtures.seconds(2))
            .setPercentage(FractionalPercent.newBuilder().setNumerator(200_000).setDenominator(FractionalPercent.DenominatorType.MILLION)))
        .build())).build();
    RouteModel.Fault f = onlyRoute(routeConfig("r", r)).fault();
    assertEquals(Duration.ofSeconds(2), f.delay());
    assertEquals(200_000, f.delayPerMillion());
    assertEquals(0, f.abortHttpStatus());
    assertEquals(-1, f.abortGrpcStatus());
  }

  @Test
  void faultWrappedInFilterConfig_andDisabledOverride() throws Exception {
    Route wrapped = defaultRoute().toBuilder().putTypedPerFilterConfig(FAULT,
        Any.pack(FilterConfig.newBuilder().setConfig(Any.pack(abort503(10))).build())).build();
    assertEquals(100_000, onlyRoute(routeConfig("r", wrapped)).fault().abortPerMillion());
    Route disabled = defaultRoute().toBuilder().putTypedPerFilterConfig(FAULT,
        Any.pack(FilterConfig.newBuilder().setDisabled(true).build())).build();
    assertSame(RouteModel.Fault.NONE, onlyRoute(routeConfig("r", disabled)).fault());
  }

  @Test
  void routeOverrideWinsOverVirtualHost_whichWinsOverRouteConfig() throws Exception {
    Route own = defaultRoute().toBuilder().setName("own").putTypedPerFilterConfig(FAULT, Any.pack(abort503(30))).build();
    Route inherits = defaultRoute().toBuilder().setName("inherits").build();
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName("r")
        .putTypedPerFilterConfig(FAULT, Any.pack(abort503(10)))
        .addVirtualHosts(VirtualHost.newBuilder().setName("vh").addDomains("*")
            .putTypedPerFilterConfig(FAULT, Any.pack(abort503(20))).addRoutes(own).addRoutes(inherits))
        .addVirtualHosts(VirtualHost.newBuilder().setName("bare").addDomains("x").addRoutes(inherits))
        .build();
    RouteModel.RouteConfig parsed = parser.parse(rc);
    assertEquals(300_000, parsed.virtualHosts().get(0).routes().get(0).fault().abortPerMillion());
    assertEquals(200_000, parsed.virtualHosts().get(0).routes().get(1).fault().abortPerMillion());
    assertEquals(100_000, parsed.virtualHosts().get(1).routes().get(0).fault().abortPerMillion());
  }

  @Test
  void localRateLimitOverride_withEnvoyDefaults() throws Exception {
    LocalRateLimit rl = LocalRateLimit.newBuilder().setStatPrefix("rl")
        .setTokenBucket(TokenBucket.newBuilder().setMaxTokens(5).setTokensPerFill(XdsFixtures.u32(2)).setFillInterval(XdsFixtures.millis(500)))
        .setFilterEnabled(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder()
            .setNumerator(50).setDenominator(FractionalPercent.DenominatorType.TEN_THOUSAND)))
        .setStatus(HttpStatus.newBuilder().setCode(StatusCode.ServiceUnavailable))
        .build();
    Route r = defaultRoute().toBuilder().putTypedPerFilterConfig(RATE_LIMIT, Any.pack(rl)).build();
    assertEquals(new RouteModel.RateLimit(5, 2, Duration.ofMillis(500), 5_000, 0, 503), onlyRoute(routeConfig("r", r)).rateLimit());
    Route off = defaultRoute().toBuilder().putTypedPerFilterConfig(RATE_LIMIT,
        Any.pack(FilterConfig.newBuilder().setDisabled(true).build())).build();
    assertSame(RouteModel.RateLimit.DISABLED, onlyRoute(routeConfig("r", off)).rateLimit());
  }

  @Test
  void nonForwardingRoutes_areInvalid() {
    Route redirect = Route.newBuilder().setMatch(defaultRoute().getMatch())
        .setRedirect(RedirectAction.newBuilder().setHostRedirect("x")).build();
    assertEquals("route_config r: virtual_hosts[0].routes[0].redirect is not supported by a client (expected: route)",
        error(routeConfig("r", redirect)));
    Route direct = Route.newBuilder().setMatch(defaultRoute().getMatch())
        .setDirectResponse(DirectResponseAction.newBuilder().setStatus(404)).build();
    assertEquals("route_config r: virtual_hosts[0].routes[1].direct_response is not supported by a client (expected: route)",
        error(routeConfig("r", defaultRoute(), direct)));
  }

  @Test
  void duplicateDomains_areInvalid() {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName("r")
        .addVirtualHosts(VirtualHost.newBuilder().setName("a").addDomains("reviews").addRoutes(defaultRoute()))
        .addVirtualHosts(VirtualHost.newBuilder().setName("b").addDomains("Reviews").addRoutes(defaultRoute()))
        .build();
    assertEquals("route_config r: virtual_hosts[1].domains[0] \"reviews\" is also a domain of virtual host a "
        + "(domains must be unique)", error(rc));
  }

  @Test
  void badPerFilterConfig_namesTheKey() {
    Route r = defaultRoute().toBuilder().putTypedPerFilterConfig(RATE_LIMIT, Any.pack(LocalRateLimit.newBuilder()
        .setTokenBucket(TokenBucket.newBuilder().setMaxTokens(1).setFillInterval(XdsFixtures.millis(10))).build())).build();
    assertEquals("route_config r: virtual_hosts[0].routes[0].typed_per_filter_config[envoy.filters.http.local_ratelimit]"
        + ".token_bucket.fill_interval 10ms is below 50ms (Envoy's minimum)", error(routeConfig("r", r)));
    Route wrongType = defaultRoute().toBuilder().putTypedPerFilterConfig(FAULT, Any.pack(TokenBucket.getDefaultInstance())).build();
    assertEquals("route_config r: virtual_hosts[0].routes[0].typed_per_filter_config[envoy.filters.http.fault] has type "
        + "envoy.type.v3.TokenBucket (expected: envoy.extensions.filters.http.fault.v3.HTTPFault or envoy.config.route.v3.FilterConfig)",
        error(routeConfig("r", wrongType)));
  }

  @Test
  void localRateLimit_wrappedInAnOptionalFilterConfig_asOurControlPlaneSendsIt() throws Exception {
    // RateLimitTranslator.perRoute for "10/1s burst 20".
    RuntimeFractionalPercent all = RuntimeFractionalPercent.newBuilder().setDefaultValue(
        FractionalPercent.newBuilder().setNumerator(100).setDenominator(FractionalPercent.DenominatorType.HUNDRED)).build();
    LocalRateLimit rl = LocalRateLimit.newBuilder().setStatPrefix("http_local_rate_limiter")
        .setTokenBucket(TokenBucket.newBuilder().setMaxTokens(20).setTokensPerFill(XdsFixtures.u32(10)).setFillInterval(XdsFixtures.seconds(1)))
        .setFilterEnabled(all).setFilterEnforced(all)
        .setStatus(HttpStatus.newBuilder().setCode(StatusCode.TooManyRequests))
        .build();
    Route r = defaultRoute().toBuilder().putTypedPerFilterConfig(RATE_LIMIT,
        Any.pack(FilterConfig.newBuilder().setIsOptional(true).setConfig(Any.pack(rl)).build())).build();
    assertEquals(new RouteModel.RateLimit(20, 10, Duration.ofSeconds(1), 1_000_000, 1_000_000, 429),
        onlyRoute(routeConfig("r", r)).rateLimit());
  }
}
