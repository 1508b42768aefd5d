package dev.meshwork.controlplane.internal.xds;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;
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
 * {@code grpc/server?xds.resource.listening_address=<ip>:<port>} for whatever address they bind.
 * Names are open-ended, so they are made on request rather than listed in the snapshot. Today
 * every server gets the same plaintext, allow-all listener (gRFC A36: routes with a
 * non-forwarding action); mTLS and authorization will hang off this listener later.
 */
public final class ServerListeners {
  /** The prefix gRPC servers use (DESIGN: names on the wire). */
  public static final String PREFIX = "grpc/server?xds.resource.listening_address=";
  private static final String HCM_FILTER = "envoy.filters.network.http_connection_manager";

  private ServerListeners() {}

  /** The listener for a requested name, or null when the name is not a server listener name. */
  public static Listener forName(String name) {
    if (!name.startsWith(PREFIX)) {
      return null;
    }
    HostAndPort hp;
    try {
      hp = HostAndPort.fromString(name.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!hp.hasPort() || !InetAddresses.isInetAddress(hp.getHost())) {
      return null;
    }
    RouteConfiguration routes = RouteConfiguration.newBuilder()
        .setName("inbound|" + hp.getPort())
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName("inbound|" + hp.getPort())
            .addDomains("*")
            .addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setNonForwardingAction(NonForwardingAction.getDefaultInstance())))
        .build();
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("inbound_" + hp.getPort())
        .setRouteConfig(routes)
        .addHttpFilters(HttpFilter.newBuilder()
            .setName(XdsNames.ROUTER_FILTER)
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    return Listener.newBuilder()
        .setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
            .setAddress(hp.getHost())
            .setPortValue(hp.getPort())))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(FilterChain.newBuilder()
            .setName("inbound|" + hp.getPort())
            .addFilters(Filter.newBuilder().setName(HCM_FILTER).setTypedConfig(Any.pack(hcm))))
        .build();
  }
}
