package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;

/**
 * LDS: client-side api_listeners, the shape gRPC's xDS client requires: an HttpConnectionManager
 * whose routes come by RDS over ADS under the listener's own name, and whose filter chain ends in
 * the router. The fault filter (configured empty; routes override it) is added only for services
 * that inject faults, so every other call skips it; likewise the optional local rate limit filter
 * ({@link RateLimitTranslator}) only for services whose VirtualService is rate limited. Order:
 * local rate limit, fault, router (a refused request is not delayed first; our HTTP client
 * applies them in that order too).
 */
final class ListenerTranslator {
  private ListenerTranslator() {}

  static Listener listener(String name, boolean withFault, boolean withRateLimit) {
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix(name) // required by Envoy's validation, ignored by gRPC
        .setRds(Rds.newBuilder().setConfigSource(XdsProtos.ads()).setRouteConfigName(name));
    if (withRateLimit) {
      hcm.addHttpFilters(RateLimitTranslator.filter());
    }
    if (withFault) {
      hcm.addHttpFilters(HttpFilter.newBuilder()
          .setName(XdsNames.FAULT_FILTER)
          .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())));
    }
    hcm.addHttpFilters(HttpFilter.newBuilder()
        .setName(XdsNames.ROUTER_FILTER)
        .setTypedConfig(Any.pack(Router.getDefaultInstance())));
    return Listener.newBuilder()
        .setName(name)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm.build())))
        .build();
  }
}
