package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import com.google.protobuf.Message;
import dev.meshwork.core.inbound.InboundTls;
import dev.meshwork.core.internal.authz.RbacChain;
import dev.meshwork.core.internal.authz.RbacFilter;
import dev.meshwork.core.internal.model.ServerListener;
import dev.meshwork.core.internal.xds.InvalidResourceException;
import dev.meshwork.core.internal.xds.ResourceParser;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import java.util.ArrayList;
import java.util.List;

/**
 * LDS: an inbound (server) Listener, the one gRPC xDS servers request as
 * {@code grpc/server?xds.resource.listening_address=<ip>:<port>}, to a {@link ServerListener}.
 *
 * <p>Expects one filter chain ({@code filter_chains[0]} or {@code default_filter_chain}) holding
 * one HttpConnectionManager network filter whose HTTP filters are RBAC filters and, last, the
 * router; its {@code transport_socket} is absent (plaintext) or {@code envoy.transport_sockets.tls}
 * with a DownstreamTlsContext. Several filter chains (istiod's PERMISSIVE shape), other network or
 * required HTTP filters, and per-route RBAC overrides are rejected, naming the field, because
 * ignoring them could let requests through that the control plane meant to refuse. Stateless and
 * thread-safe.
 */
public final class ServerListenerParser implements ResourceParser<ServerListener> {
  /** LDS, as for client listeners. */
  public static final String TYPE_URL_LISTENER = ListenerParser.TYPE_URL;
  static final String RBAC_TYPE = RBAC.getDescriptor().getFullName();
  static final String TLS_TYPE = DownstreamTlsContext.getDescriptor().getFullName();

  @Override
  public String typeUrl() {
    return ListenerParser.TYPE_URL;
  }

  @Override
  public Class<? extends Message> protoClass() {
    return Listener.class;
  }

  @Override
  public String name(Message resource) {
    return ((Listener) resource).getName();
  }

  @Override
  public ServerListener parse(Message resource) throws InvalidResourceException {
    if (!(resource instanceof Listener l)) {
      throw new InvalidResourceException("listener: expected Listener, got " + resource.getDescriptorForType().getFullName());
    }
    try {
      return listener(l);
    } catch (BadField e) {
      throw new InvalidResourceException(e.render("listener", l.getName()));
    }
  }

  private static ServerListener listener(Listener l) {
    if (l.hasApiListener()) {
      throw new BadField("api_listener", "is set (expected: a server listener with filter_chains)");
    }
    int chains = l.getFilterChainsCount() + (l.hasDefaultFilterChain() ? 1 : 0);
    if (chains != 1) {
      throw new BadField("filter_chains", "has " + chains + " filter chains including default_filter_chain"
          + " (expected: exactly one)");
    }
    boolean isDefault = l.getFilterChainsCount() == 0;
    FilterChain chain = isDefault ? l.getDefaultFilterChain() : l.getFilterChains(0);
    return at(isDefault ? "default_filter_chain" : "filter_chains[0]", () -> filterChain(l.getName(), chain));
  }

  private static ServerListener filterChain(String name, FilterChain chain) {
    InboundTls tls = chain.hasTransportSocket() ? at("transport_socket", () -> tls(chain.getTransportSocket()))
        : InboundTls.PLAINTEXT;
    if (chain.getFiltersCount() != 1) {
      throw new BadField("filters", "has " + chain.getFiltersCount() + " network filters (expected: one HttpConnectionManager)");
    }
    Filter f = chain.getFilters(0);
    if (!f.hasTypedConfig() || !Protos.typeName(f.getTypedConfig()).equals(ListenerParser.HCM_TYPE)) {
      throw new BadField("filters[0]", "network filter " + f.getName() + " is not supported (expected: "
          + ListenerParser.HCM_TYPE + ")");
    }
    HttpConnectionManager hcm = at("filters[0].typed_config",
        () -> Protos.unpack(f.getTypedConfig(), HttpConnectionManager.class));
    RbacChain rbac = at("filters[0].typed_config", () -> connectionManager(hcm));
    return new ServerListener(name, tls, rbac);
  }

  static InboundTls tls(TransportSocket socket) {
    if (!socket.hasTypedConfig() || !Protos.typeName(socket.getTypedConfig()).equals(TLS_TYPE)) {
      String type = socket.hasTypedConfig() ? socket.getTypedConfig().getTypeUrl() : "no typed_config";
      throw new BadField("", socket.getName() + " (" + type + ") is not supported (expected: " + TLS_TYPE + ")");
    }
    DownstreamTlsContext ctx = at("typed_config", () -> Protos.unpack(socket.getTypedConfig(), DownstreamTlsContext.class));
    return ctx.getRequireClientCertificate().getValue() ? InboundTls.MTLS_REQUIRED : InboundTls.TLS;
  }

  private static RbacChain connectionManager(HttpConnectionManager hcm) {
    if (hcm.hasRouteConfig()) {
      BadField.check("route_config", () -> noRbacOverrides(hcm.getRouteConfig()));
    }
    List<RbacFilter> filters = new ArrayList<>();
    for (int i = 0; i < hcm.getHttpFiltersCount(); i++) {
      HttpFilter f = hcm.getHttpFilters(i);
      boolean last = i == hcm.getHttpFiltersCount() - 1;
      RbacFilter parsed = at("http_filters[" + i + "]", () -> httpFilter(f, last));
      if (parsed != null) {
        filters.add(parsed);
      }
    }
    int n = hcm.getHttpFiltersCount();
    if (n == 0 || !Protos.typeName(hcm.getHttpFilters(n - 1).getTypedConfig()).equals(ListenerParser.ROUTER_TYPE)) {
      throw new BadField("http_filters", "does not end with the router filter (" + ListenerParser.ROUTER_TYPE + ")");
    }
    return new RbacChain(filters);
  }

  private static RbacFilter httpFilter(HttpFilter f, boolean last) {
    if (!f.hasTypedConfig()) {
      if (f.getIsOptional()) {
        return null;
      }
      throw new BadField("", "HttpFilter " + f.getName() + " has no typed_config and is required");
    }
    String type = Protos.typeName(f.getTypedConfig());
    if (type.equals(ListenerParser.ROUTER_TYPE)) {
      if (!last) {
        throw new BadField("", "HttpFilter " + f.getName() + " is the router but not the last filter");
      }
      return null;
    }
    if (type.equals(RBAC_TYPE)) {
      RBAC rbac = at("typed_config", () -> Protos.unpack(f.getTypedConfig(), RBAC.class));
      RbacFilter parsed = at("typed_config", () -> RbacParser.filter(rbac));
      // A disabled filter only applies where a route enables it, and per-route configs are rejected.
      return f.getDisabled() ? null : parsed;
    }
    if (f.getIsOptional()) {
      return null;
    }
    throw new BadField("", "HttpFilter " + f.getName() + " (" + f.getTypedConfig().getTypeUrl() + ") is required but unsupported");
  }

  /** Per-route RBAC (RBACPerRoute) would change decisions per route: not supported. */
  private static void noRbacOverrides(RouteConfiguration rc) {
    for (int v = 0; v < rc.getVirtualHostsCount(); v++) {
      VirtualHost vh = rc.getVirtualHosts(v);
      String at = "virtual_hosts[" + v + "]";
      if (!vh.getTypedPerFilterConfigMap().isEmpty()) {
        throw new BadField(at + ".typed_per_filter_config", "is not supported on inbound listeners");
      }
      for (int r = 0; r < vh.getRoutesCount(); r++) {
        if (!vh.getRoutes(r).getTypedPerFilterConfigMap().isEmpty()) {
          throw new BadField(at + ".routes[" + r + "].typed_per_filter_config", "is not supported on inbound listeners");
        }
      }
    }
  }
}
