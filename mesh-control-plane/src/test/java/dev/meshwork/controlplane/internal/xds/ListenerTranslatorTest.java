package dev.meshwork.controlplane.internal.xds;

import static dev.meshwork.controlplane.internal.xds.Fixtures.config;
import static dev.meshwork.controlplane.internal.xds.Fixtures.dest;
import static dev.meshwork.controlplane.internal.xds.Fixtures.route;
import static dev.meshwork.controlplane.internal.xds.Fixtures.se;
import static dev.meshwork.controlplane.internal.xds.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.controlplane.internal.model.Fault;
import dev.meshwork.controlplane.internal.model.LocalRateLimit;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerTranslatorTest {
  private static HttpConnectionManager hcm(Listener l) throws Exception {
    return l.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
  }

  @Test
  void apiListener_fetchesItsRoutesByRdsOverAds_underItsOwnName() throws Exception {
    XdsResources r = XdsTranslator.translate(config(se("reviews", 9080, 9090)), List.of());
    assertEquals(List.of("reviews", "reviews:9080", "reviews:9090"), List.copyOf(r.listeners().keySet()));
    assertEquals(r.listeners().keySet(), r.routes().keySet());
    HttpConnectionManager hcm = hcm(r.listeners().get("reviews:9090"));
    assertEquals("reviews:9090", hcm.getRds().getRouteConfigName());
    assertTrue(hcm.getRds().getConfigSource().hasAds());
    assertEquals(io.envoyproxy.envoy.config.core.v3.ApiVersion.V3, hcm.getRds().getConfigSource().getResourceApiVersion());
  }

  @Test
  void withoutFaults_theOnlyFilterIsTheRouter() throws Exception {
    Listener l = XdsTranslator.translate(config(vs("reviews", route(dest("reviews")))), List.of()).listeners().get("reviews");
    List<HttpFilter> filters = hcm(l).getHttpFiltersList();
    assertEquals(List.of("envoy.filters.http.router"), filters.stream().map(HttpFilter::getName).toList());
    assertTrue(filters.get(0).getTypedConfig().is(Router.class));
  }

  @Test
  void faultFilter_isAddedBeforeTheRouter_onlyForServicesThatUseFaults() throws Exception {
    Fault abort = new Fault(null, new Fault.Abort(503, null, 10));
    XdsResources r = XdsTranslator.translate(config(
        vs("reviews", route(dest("reviews")).fault(abort)),
        vs("ratings", route(dest("ratings")))), List.of());
    for (String name : List.of("reviews", "reviews:80")) {
      List<HttpFilter> filters = hcm(r.listeners().get(name)).getHttpFiltersList();
      assertEquals(List.of("envoy.filters.http.fault", "envoy.filters.http.router"), filters.stream().map(HttpFilter::getName).toList());
      assertTrue(filters.get(0).getTypedConfig().is(HTTPFault.class));
    }
    assertEquals(1, hcm(r.listeners().get("ratings")).getHttpFiltersCount());
  }

  @Test
  void rateLimitedService_getsTheOptionalLocalRateLimitFilter_beforeFaultAndRouter() throws Exception {
    LocalRateLimit limit = new LocalRateLimit(10, java.time.Duration.ofSeconds(1), 10);
    XdsResources r = XdsTranslator.translate(config(
        vs("reviews", limit, route(dest("reviews")).fault(new Fault(null, new Fault.Abort(503, null, 10)))),
        vs("ratings", limit, route(dest("ratings"))),
        vs("details", route(dest("details")))), List.of());
    List<HttpFilter> filters = hcm(r.listeners().get("reviews")).getHttpFiltersList();
    assertEquals(List.of("envoy.filters.http.local_ratelimit", "envoy.filters.http.fault", "envoy.filters.http.router"),
        filters.stream().map(HttpFilter::getName).toList());
    HttpFilter rl = filters.get(0);
    assertTrue(rl.getIsOptional(), "gRPC has no such filter: optional, so it skips it instead of NACKing");
    var config = rl.getTypedConfig().unpack(io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit.class);
    assertEquals("http_local_rate_limiter", config.getStatPrefix());
    assertFalse(config.hasTokenBucket(), "the listener's filter limits nothing by itself; routes carry the buckets");
    assertEquals(List.of("envoy.filters.http.local_ratelimit", "envoy.filters.http.router"),
        hcm(r.listeners().get("ratings:80")).getHttpFiltersList().stream().map(HttpFilter::getName).toList());
    assertEquals(1, hcm(r.listeners().get("details")).getHttpFiltersCount());
  }
}
