package dev.meshwork.core.internal.route;

import com.google.re2j.Pattern;
import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.internal.model.Matchers;
import dev.meshwork.core.internal.model.RouteModel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Requests and model routes for router tests. */
final class TestRequests {
  private TestRequests() {}

  /** A request; counts query() calls so tests can see when the query is read. */
  static final class Req implements MeshRequest {
    final String method;
    final String path;
    final String query;
    final Map<String, String> headers = new HashMap<>();
    final AtomicInteger queryReads = new AtomicInteger();

    Req(String method, String path, String query) {
      this.method = method;
      this.path = path;
      this.query = query;
    }

    Req header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public String query() {
      queryReads.incrementAndGet();
      return query;
    }

    @Override
    public String header(String lowerCaseName) {
      return headers.get(lowerCaseName);
    }
  }

  static Req get(String path) {
    return new Req("GET", path, null);
  }

  static Req get(String path, String query) {
    return new Req("GET", path, query);
  }

  static Matchers.RouteMatcher prefix(String p, Matchers.HeaderMatcher... headers) {
    return new Matchers.RouteMatcher(new Matchers.Prefix(p, false), List.of(headers), List.of());
  }

  static Matchers.RouteMatcher regex(String re) {
    return new Matchers.RouteMatcher(new Matchers.Regex(Pattern.compile(re)), List.of(), List.of());
  }

  static Matchers.RouteMatcher query(Matchers.QueryMatcher... q) {
    return new Matchers.RouteMatcher(new Matchers.Prefix("/", false), List.of(), List.of(q));
  }

  static RouteModel.Action to(String cluster) {
    return weighted(new RouteModel.WeightedCluster(cluster, 1));
  }

  static RouteModel.Action weighted(RouteModel.WeightedCluster... clusters) {
    int total = 0;
    for (RouteModel.WeightedCluster c : clusters) {
      total += c.weight();
    }
    return new RouteModel.Action(List.of(clusters), total, Duration.ZERO, null, List.of(), List.of());
  }

  static RouteModel.Route route(String name, Matchers.RouteMatcher match, RouteModel.Action action) {
    return new RouteModel.Route(name, match, action, null, null);
  }

  static RouteModel.VirtualHost vhost(String name, List<String> domains, RouteModel.Route... routes) {
    return new RouteModel.VirtualHost(name, domains, List.of(routes));
  }

  static Router router(RouteModel.VirtualHost... hosts) {
    return new Router(new RouteModel.RouteConfig("rc", List.of(hosts)), null);
  }

  /** A router with one catch-all virtual host holding {@code routes}. */
  static Router routes(RouteModel.Route... routes) {
    return router(vhost("vh", List.of("*"), routes));
  }
}
