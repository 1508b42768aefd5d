package dev.meshwork.core.internal.route;

import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.internal.model.RouteModel;
import java.util.List;

/**
 * Picks the route and cluster for a request from one route configuration, as Envoy's router
 * does: the virtual host by authority ({@link VirtualHostIndex}), then the first route whose path,
 * headers and query parameters all match.
 *
 * <p>Built once per configuration update (everything is compiled up front); {@link #select} is
 * thread-safe, compiles no regex and allocates nothing except, for routes with query matchers, the
 * parsed query (once per request). Pseudo headers {@code :method}, {@code :path} (with the query)
 * and {@code :authority} are read from the request; other headers by their lower-case names, the
 * first value only (Envoy joins repeated values with ',').
 */
public final class Router {
  private static final CompiledRoute[] NO_ROUTES = new CompiledRoute[0];

  private record HostHit(String authority, CompiledRoute[] routes) {}

  private final VirtualHostIndex index;
  private final CompiledRoute[][] routesByHost;
  /** Last authority looked up: one client channel almost always uses one authority. */
  private volatile HostHit lastHit;

  /**
   * @param listener the listener the configuration came from (which filters are in its chain and
   *     their own configs); null for none: then no fault or rate limit is ever selected
   */
  public Router(RouteModel.RouteConfig config, RouteModel.ListenerConfig listener) {
    List<RouteModel.VirtualHost> hosts = config.virtualHosts();
    this.index = new VirtualHostIndex(hosts);
    this.routesByHost = new CompiledRoute[hosts.size()][];
    for (int i = 0; i < hosts.size(); i++) {
      RouteModel.VirtualHost vh = hosts.get(i);
      routesByHost[i] = vh.routes().stream()
          .map(r -> new CompiledRoute(vh, r, fault(r, listener), rateLimit(r, listener)))
          .toArray(CompiledRoute[]::new);
    }
  }

  /**
   * The route for a request, or null when no virtual host or route matches (Envoy: 404; callers
   * raise {@code NO_ROUTE}).
   *
   * @param authority the target authority ({@code reviews:9080}); null matches only {@code *}
   * @param random any uniformly distributed long (e.g. {@code ThreadLocalRandom.nextLong()}); a
   *     weighted cluster is chosen by {@code random} modulo the total weight, so a value already in
   *     [0, total) picks deterministically
   */
  public RouteSelection select(String authority, MeshRequest req, long random) {
    CompiledRoute[] routes = routesFor(authority);
    QueryParams query = null;
    for (CompiledRoute r : routes) {
      if (!r.matchesPathAndHeaders(authority, req)) {
        continue;
      }
      if (r.query.length > 0) {
        if (query == null) {
          query = QueryParams.parse(req.query());
        }
        if (!r.matchesQuery(query)) {
          continue;
        }
      }
      return r.choose(random);
    }
    return null;
  }

  private CompiledRoute[] routesFor(String authority) {
    HostHit hit = lastHit;
    if (hit != null && (hit.authority == authority || (authority != null && authority.equals(hit.authority)))) {
      return hit.routes;
    }
    int vh = index.find(authority);
    CompiledRoute[] routes = vh < 0 ? NO_ROUTES : routesByHost[vh];
    lastHit = new HostHit(authority, routes);
    return routes;
  }

  /** Envoy applies a per-route fault only through the fault filter; the most specific config wins. */
  private static RouteModel.Fault fault(RouteModel.Route r, RouteModel.ListenerConfig listener) {
    if (listener == null || !listener.faultFilter()) {
      return null;
    }
    RouteModel.Fault f = r.fault() != null ? r.fault() : listener.defaultFault();
    return f == null || f.isNone() ? null : f;
  }

  private static RouteModel.RateLimit rateLimit(RouteModel.Route r, RouteModel.ListenerConfig listener) {
    if (listener == null || !listener.rateLimitFilter()) {
      return null;
    }
    RouteModel.RateLimit l = r.rateLimit() != null ? r.rateLimit() : listener.defaultRateLimit();
    // Not enabled means the filter neither counts nor limits this route.
    return l == null || l.enabledPerMillion() == 0 ? null : l;
  }
}
