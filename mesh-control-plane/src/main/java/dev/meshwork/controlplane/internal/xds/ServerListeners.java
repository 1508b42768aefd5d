package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

/**
 * Inbound listeners for gRPC's own xDS servers ({@code XdsServerBuilder}), which ask for
 * {@code grpc/server?xds.resource.listening_address=<ip>:<port>} for whatever address they bind;
 * Meshwork's servers add their identity ({@link ServerListenerName}). Names are open-ended, so
 * listeners are made on request rather than listed in the snapshot: one filter chain (gRFC A36),
 * an HCM whose route has a non-forwarding action, the workload's RBAC filters
 * ({@link AuthorizationFilters}) before the router, and an mTLS transport socket
 * ({@link TlsContexts#downstreamMtls()}) when its PeerAuthentication mode requires it
 * ({@link PeerAuthentications#serverRequiresMtls}); otherwise plaintext.
 */
public final class ServerListeners {
  /** The prefix gRPC servers use (DESIGN: names on the wire). */
  public static final String PREFIX = "grpc/server?xds.resource.listening_address=";
  private static final String HCM_FILTER = "envoy.filters.network.http_connection_manager";

  private ServerListeners() {}

  /** The plaintext, allow-all listener for a requested name (no policies), or null when it is not a server listener name. */
  public static Listener forName(String name) {
    return forName(name, ServerPolicies.NONE);
  }

  /** The listener for a requested name under these policies, or null when it is not a server listener name. */
  public static Listener forName(String name, ServerPolicies policies) {
    ServerListenerName n = ServerListenerName.parse(name);
    if (n == null) {
      return null;
    }
    int port = n.port();
    RouteConfiguration routes = RouteConfiguration.newBuilder()
        .setName("inbound|" + port)
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName("inbound|" + port)
            .addDomains("*")
            .addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setNonForwardingAction(NonForwardingAction.getDefaultInstance())))
        .build();
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("inbound_" + port)
        .setRouteConfig(routes)
        .addAllHttpFilters(AuthorizationFilters.filters(policies.authorizationPolicies(), n.namespace(), n.labels(),
            policies.trustDomain()))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName(XdsNames.ROUTER_FILTER)
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    FilterChain.Builder chain = FilterChain.newBuilder()
        .setName("inbound|" + port)
        .addFilters(Filter.newBuilder().setName(HCM_FILTER).setTypedConfig(Any.pack(hcm)));
    if (PeerAuthentications.serverRequiresMtls(policies.peerAuthentications(), n.namespace(), n.labels())) {
      chain.setTransportSocket(TlsContexts.downstreamMtls());
    }
    return Listener.newBuilder()
        .setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
            .setAddress(n.host())
            .setPortValue(port)))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(chain)
        .build();
  }
}
