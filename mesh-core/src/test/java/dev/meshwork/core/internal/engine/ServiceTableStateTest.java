package dev.meshwork.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.engine.MeshRejectedException;
import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.internal.model.Matchers;
import dev.meshwork.core.internal.model.RouteModel;
import dev.meshwork.core.internal.route.RouteSelection;
import dev.meshwork.core.internal.route.Router;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ServiceTableStateTest {
  static final RouteModel.RateLimit TEN = new RouteModel.RateLimit(10, 10, Duration.ofHours(1), 1_000_000, 1_000_000, 429);
  static final RouteModel.ListenerConfig LISTENER = new RouteModel.ListenerConfig("reviews", "reviews", false, true, null);

  record Get(String path) implements MeshRequest {
    @Override public String method() { return "GET"; }
    @Override public String query() { return null; }
    @Override public String header(String name) { return null; }
  }

  static RouteModel.Route route(String name, String path, String... clusters) {
    List<RouteModel.WeightedCluster> wc = java.util.Arrays.stream(clusters).map(c -> new RouteModel.WeightedCluster(c, 1)).toList();
    RouteModel.Action action = new RouteModel.Action(wc, wc.size(), Duration.ZERO, null, List.of(), List.of());
    return new RouteModel.Route(name, new Matchers.RouteMatcher(new Matchers.Prefix(path, false), List.of(), List.of()),
        action, null, TEN);
  }

  @Test
  void aWeightedRoute_hasOneTokenBucket_whicheverClusterIsPicked() {
    RouteModel.RouteConfig rc = new RouteModel.RouteConfig("reviews", List.of(
        new RouteModel.VirtualHost("reviews", List.of("*"), List.of(route("split", "/", "v1", "v2")))));
    ServiceTable.State state = new ServiceTable.State(new Router(rc, LISTENER), rc, LISTENER, System::nanoTime);
    RouteSelection v1 = state.router().select("reviews", new Get("/"), 0);
    RouteSelection v2 = state.router().select("reviews", new Get("/"), 1);
    assertNotEquals(v1.cluster(), v2.cluster());
    assertSame(state.policies(v1), state.policies(v2));
    Random random = new Random(1);
    int admitted = 0;
    for (int i = 0; i < 30; i++) {
      RoutePolicies p = state.policies(i % 2 == 0 ? v1 : v2);
      admitted += p.rateLimiter().tryAcquire(random) ? 1 : 0;
    }
    assertEquals(10, admitted, "10 tokens for the route, not 10 per cluster");
  }

  @Test
  void equalRoutesOfDifferentVirtualHosts_keepTheirOwnBuckets_andUnnamedRoutesAreNamedByTheirHost() {
    RouteModel.RouteConfig rc = new RouteModel.RouteConfig("reviews", List.of(
        new RouteModel.VirtualHost("a", List.of("a"), List.of(route("", "/", "c"))),
        new RouteModel.VirtualHost("b", List.of("b"), List.of(route("", "/", "c")))));
    ServiceTable.State state = new ServiceTable.State(new Router(rc, LISTENER), rc, LISTENER, System::nanoTime);
    RoutePolicies a = state.policies(state.router().select("a", new Get("/"), 0));
    RoutePolicies b = state.policies(state.router().select("b", new Get("/"), 0));
    assertNotSame(a.rateLimiter(), b.rateLimiter());
    MeshRejectedException e = a.rateLimiter().rejection();
    assertTrue(e.getMessage().startsWith("rate limited: unnamed route of virtual host a local token bucket"), e.getMessage());
  }
}
