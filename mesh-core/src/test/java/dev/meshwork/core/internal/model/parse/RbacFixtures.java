package dev.meshwork.core.internal.model.parse;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/** RBAC and server listener protos shaped like istiod's output for AuthorizationPolicies. */
public final class RbacFixtures {
  private RbacFixtures() {}

  public static StringMatcher exact(String s) {
    return StringMatcher.newBuilder().setExact(s).build();
  }

  public static StringMatcher prefix(String s) {
    return StringMatcher.newBuilder().setPrefix(s).build();
  }

  public static StringMatcher regex(String s) {
    return StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(s)).build();
  }

  /** istiod's {@code source.principals}: authenticated.principal_name. */
  public static Principal principal(StringMatcher m) {
    return Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(m)).build();
  }

  /** istiod wraps each field's values in or_ids, and the fields of one source in and_ids. */
  public static Principal andIds(Principal... ids) {
    Principal.Set.Builder or = Principal.Set.newBuilder();
    for (Principal p : ids) {
      or.addIds(Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addIds(p)));
    }
    return Principal.newBuilder().setAndIds(or).build();
  }

  public static Permission urlPath(StringMatcher m) {
    return Permission.newBuilder().setUrlPath(PathMatcher.newBuilder().setPath(m)).build();
  }

  public static Permission method(String m) {
    return header(HeaderMatcher.newBuilder().setName(":method").setStringMatch(exact(m)).build());
  }

  public static Permission header(HeaderMatcher h) {
    return Permission.newBuilder().setHeader(h).build();
  }

  public static Permission andRules(Permission... rules) {
    Permission.Set.Builder and = Permission.Set.newBuilder();
    for (Permission p : rules) {
      and.addRules(Permission.newBuilder().setOrRules(Permission.Set.newBuilder().addRules(p)));
    }
    return Permission.newBuilder().setAndRules(and).build();
  }

  public static Permission anyPermission() {
    return Permission.newBuilder().setAny(true).build();
  }

  public static Principal anyPrincipal() {
    return Principal.newBuilder().setAny(true).build();
  }

  public static Policy policy(Permission permission, Principal principal) {
    return Policy.newBuilder().addPermissions(permission).addPrincipals(principal).build();
  }

  public static RBAC rbac(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action action, String name, Policy policy) {
    io.envoyproxy.envoy.config.rbac.v3.RBAC.Builder rules = io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
        .setAction(action);
    if (name != null) {
      rules.putPolicies(name, policy);
    }
    return RBAC.newBuilder().setRules(rules).build();
  }

  public static HttpFilter rbacFilter(String name, RBAC rbac) {
    return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(rbac)).build();
  }

  public static HttpFilter router() {
    return HttpFilter.newBuilder().setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())).build();
  }

  public static TransportSocket tls(boolean requireClientCert) {
    DownstreamTlsContext ctx = DownstreamTlsContext.newBuilder()
        .setRequireClientCertificate(BoolValue.of(requireClientCert)).build();
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(ctx)).build();
  }

  /** A server listener: one filter chain, an HCM with inline routes and {@code filters} then the router. */
  public static Listener serverListener(String name, TransportSocket socket, HttpFilter... filters) {
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setRouteConfig(RouteConfiguration.newBuilder().setName("inbound"));
    for (HttpFilter f : filters) {
      hcm.addHttpFilters(f);
    }
    hcm.addHttpFilters(router());
    FilterChain.Builder chain = FilterChain.newBuilder().setName("inbound")
        .addFilters(Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
            .setTypedConfig(Any.pack(hcm.build())));
    if (socket != null) {
      chain.setTransportSocket(socket);
    }
    return Listener.newBuilder().setName(name).addFilterChains(chain).build();
  }
}
