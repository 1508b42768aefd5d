package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.XdsFixtures.ads;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.filter;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.listener;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.router;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import dev.meshwork.core.internal.model.RouteModel;
import dev.meshwork.core.internal.xds.InvalidResourceException;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import org.junit.jupiter.api.Test;

class ListenerParserTest {
  private final ListenerParser parser = new ListenerParser();

  private static HttpConnectionManager.Builder rds(String name) {
    return HttpConnectionManager.newBuilder().setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(name));
  }

  @Test
  void controlPlaneListener_withFault_usesRdsAndHasFaultFilter() throws Exception {
    Listener l = XdsFixtures.controlPlaneListener("reviews:9080", true);
    RouteModel.ListenerConfig c = parser.parse(l);
    assertEquals("reviews:9080", parser.name(l));
    assertEquals("reviews:9080", c.routeConfigName());
    assertTrue(c.faultFilter());
    assertNull(c.defaultFault(), "an empty HTTPFault injects nothing by itself");
    assertFalse(c.rateLimitFilter());
    assertNull(c.inlineRouteConfig());
  }

  @Test
  void controlPlaneListener_withoutFault_hasNoFilters() throws Exception {
    RouteModel.ListenerConfig c = parser.parse(XdsFixtures.controlPlaneListener("reviews", false));
    assertFalse(c.faultFilter());
    assertFalse(c.rateLimitFilter());
    assertEquals(ListenerParser.TYPE_URL, parser.typeUrl());
    assertEquals(Listener.class, parser.protoClass());
  }

  @Test
  void inlineRouteConfig_isParsedAndCarried() throws Exception {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRouteConfig(XdsFixtures.routeConfig("inline", XdsFixtures.defaultRoute()))
        .addHttpFilters(router()).build();
    RouteModel.ListenerConfig c = parser.parse(listener("reviews", hcm));
    assertEquals("inline", c.routeConfigName());
    assertEquals("default", c.inlineRouteConfig().virtualHosts().get(0).routes().get(0).name());
  }

  @Test
  void localRateLimitFilter_givesListenerDefaultBucket() throws Exception {
    LocalRateLimit rl = LocalRateLimit.newBuilder().setStatPrefix("rl")
        .setTokenBucket(TokenBucket.newBuilder().setMaxTokens(10).setFillInterval(XdsFixtures.seconds(1)))
        .setFilterEnabled(RuntimeFractionalPercent.newBuilder().setDefaultValue(
            FractionalPercent.newBuilder().setNumerator(100).setDenominator(FractionalPercent.DenominatorType.HUNDRED)))
        .build();
    HttpConnectionManager hcm = rds("r").addHttpFilters(filter("envoy.filters.http.local_ratelimit", rl))
        .addHttpFilters(router()).build();
    RouteModel.ListenerConfig c = parser.parse(listener("reviews", hcm));
    assertTrue(c.rateLimitFilter());
    assertEquals(new RouteModel.RateLimit(10, 1, java.time.Duration.ofSeconds(1), 1_000_000, 0, 429), c.defaultRateLimit());
  }

  @Test
  void localRateLimitFilter_withoutBucket_hasNoDefault() throws Exception {
    HttpConnectionManager hcm = rds("r")
        .addHttpFilters(filter("envoy.filters.http.local_ratelimit", LocalRateLimit.newBuilder().setStatPrefix("rl").build()))
        .addHttpFilters(router()).build();
    RouteModel.ListenerConfig c = parser.parse(listener("reviews", hcm));
    assertTrue(c.rateLimitFilter());
    assertNull(c.defaultRateLimit());
  }

  @Test
  void listenerLevelFaultAbort_isTheDefaultFault() throws Exception {
    HTTPFault fault = HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder().setHttpStatus(503)
        .setPercentage(FractionalPercent.newBuilder().setNumerator(50))).build();
    HttpConnectionManager hcm = rds("r").addHttpFilters(filter("envoy.filters.http.fault", fault)).addHttpFilters(router()).build();
    RouteModel.Fault f = parser.parse(listener("reviews", hcm)).defaultFault();
    assertEquals(503, f.abortHttpStatus());
    assertEquals(500_000, f.abortPerMillion());
  }

  @Test
  void unknownRequiredFilter_isInvalid_namingFilterAndType() {
    HttpConnectionManager hcm = rds("r").addHttpFilters(filter("istio.stats", Struct.getDefaultInstance()))
        .addHttpFilters(router()).build();
    InvalidResourceException e = assertThrows(InvalidResourceException.class, () -> parser.parse(listener("reviews", hcm)));
    assertEquals("listener reviews: api_listener.api_listener.http_filters[0] HttpFilter istio.stats "
        + "(type.googleapis.com/google.protobuf.Struct) is required but unsupported", e.getMessage());
  }

  @Test
  void unknownOptionalFilter_isSkipped() throws Exception {
    HttpConnectionManager hcm = rds("r")
        .addHttpFilters(filter("istio.stats", Struct.getDefaultInstance()).toBuilder().setIsOptional(true))
        .addHttpFilters(router()).build();
    assertFalse(parser.parse(listener("reviews", hcm)).faultFilter());
  }

  @Test
  void chainWithoutRouterLast_isInvalid() {
    HttpConnectionManager noRouter = rds("r").addHttpFilters(filter("envoy.filters.http.fault", HTTPFault.getDefaultInstance())).build();
    assertTrue(assertThrows(InvalidResourceException.class, () -> parser.parse(listener("a", noRouter)))
        .getMessage().contains("http_filters does not end with the router filter"));
    HttpConnectionManager routerFirst = rds("r").addHttpFilters(router())
        .addHttpFilters(filter("envoy.filters.http.fault", HTTPFault.getDefaultInstance())).build();
    assertTrue(assertThrows(InvalidResourceException.class, () -> parser.parse(listener("a", routerFirst)))
        .getMessage().contains("http_filters[0] HttpFilter envoy.filters.http.router is the router but not the last filter"));
  }

  @Test
  void serverListenerWithoutApiListener_isInvalid() {
    Listener l = Listener.newBuilder().setName("inbound").build();
    assertEquals("listener inbound: api_listener is missing (expected: a client-side HttpConnectionManager api_listener)",
        assertThrows(InvalidResourceException.class, () -> parser.parse(l)).getMessage());
  }

  @Test
  void rdsFromAnotherConfigSource_isInvalid() {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName("r").setConfigSource(ConfigSource.newBuilder().setPath("/etc/rds.yaml")))
        .addHttpFilters(router()).build();
    assertEquals("listener a: api_listener.api_listener.rds.config_source is PATH (expected: ads or self)",
        assertThrows(InvalidResourceException.class, () -> parser.parse(listener("a", hcm))).getMessage());
  }

  @Test
  void invalidFaultConfig_namesTheField() {
    HTTPFault bad = HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder().setHttpStatus(700)).build();
    HttpConnectionManager hcm = rds("r").addHttpFilters(filter("envoy.filters.http.fault", bad)).addHttpFilters(router()).build();
    assertEquals("listener a: api_listener.api_listener.http_filters[0].typed_config.abort.http_status 700 is out of range "
        + "(expected: 200-599)", assertThrows(InvalidResourceException.class, () -> parser.parse(listener("a", hcm))).getMessage());
  }

  @Test
  void optionalLocalRateLimitFilter_asOurControlPlaneSendsIt_isInTheChainWithoutABucket() throws Exception {
    // ListenerTranslator + RateLimitTranslator.filter(): optional (for gRPC), stat_prefix only, before fault and router.
    HttpConnectionManager hcm = rds("reviews")
        .addHttpFilters(filter("envoy.filters.http.local_ratelimit",
            LocalRateLimit.newBuilder().setStatPrefix("http_local_rate_limiter").build()).toBuilder().setIsOptional(true))
        .addHttpFilters(filter("envoy.filters.http.fault", HTTPFault.getDefaultInstance()))
        .addHttpFilters(router()).build();
    RouteModel.ListenerConfig c = parser.parse(listener("reviews", hcm));
    assertTrue(c.rateLimitFilter(), "is_optional does not drop a filter we implement");
    assertNull(c.defaultRateLimit(), "routes carry the buckets");
    assertTrue(c.faultFilter());
  }
}
