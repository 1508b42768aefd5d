package dev.meshwork.core.internal.engine;

import dev.meshwork.core.internal.model.RouteModel;
import dev.meshwork.core.internal.route.RouteSelection;
import dev.meshwork.core.internal.route.Router;
import dev.meshwork.core.internal.xds.ResourceWatcher;
import dev.meshwork.core.internal.xds.TypeUrls;
import dev.meshwork.core.internal.xds.XdsClient;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services in use, keyed by the listener name a client asks for ({@code reviews} or
 * {@code reviews:9080}). Each follows its LDS listener, then its RDS route configuration, builds a
 * {@link Router} once per change and subscribes to the clusters the routes name. Callbacks run on
 * the mesh's update thread; the call path reads only volatile state.
 */
final class ServiceTable {
  private static final Logger log = LoggerFactory.getLogger(ServiceTable.class);

  private final XdsClient xds;
  private final ClusterTable clusters;
  private final java.util.function.LongSupplier nanoClock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  ServiceTable(XdsClient xds, ClusterTable clusters, java.util.function.LongSupplier nanoClock) {
    this.xds = xds;
    this.clusters = clusters;
    this.nanoClock = nanoClock;
  }

  /** Every service asked for so far with its current state (null while unknown), for monitoring. */
  Map<String, State> states() {
    Map<String, State> out = new java.util.TreeMap<>();
    entries.forEach((n, e) -> out.put(n, e.state));
    return out;
  }

  Entry entry(String listenerName) {
    // get first: on the per-call path, computeIfAbsent would allocate its capturing lambda
    Entry known = entries.get(listenerName);
    if (known != null) {
      return known;
    }
    return entries.computeIfAbsent(listenerName, n -> {
      Entry e = new Entry(n);
      xds.watch(TypeUrls.LISTENER, n, e.listenerWatcher);
      return e;
    });
  }

  /**
   * A service's routes at one config version. Policies belong to a route, as in Envoy (one token
   * bucket per route however many weighted clusters it has). They are looked up by the route's
   * identity in a copy-on-write map: a read is one identity hash, no lock, no allocation; a route's
   * first request builds its policies under the lock.
   */
  static final class State {
    private final Router router;
    private final RouteModel.RouteConfig config;
    private final java.util.function.LongSupplier nanoClock;
    private final boolean rateLimited;
    private volatile IdentityHashMap<RouteModel.Route, RoutePolicies> byRoute = new IdentityHashMap<>();

    State(Router router, RouteModel.RouteConfig config, RouteModel.ListenerConfig listener,
        java.util.function.LongSupplier nanoClock) {
      this.router = router;
      this.config = config;
      this.nanoClock = nanoClock;
      this.rateLimited = listener != null && listener.rateLimitFilter();
    }

    /** Whether the listener has the local rate limit filter: without it no route is rate limited. */
    boolean rateLimited() {
      return rateLimited;
    }

    Router router() {
      return router;
    }

    /** The route configuration the router was built from (for {@link Snapshots}). */
    RouteModel.RouteConfig config() {
      return config;
    }

    RoutePolicies policies(RouteSelection sel) {
      RoutePolicies p = byRoute.get(sel.route());
      return p != null ? p : create(sel);
    }

    private synchronized RoutePolicies create(RouteSelection sel) {
      RoutePolicies p = byRoute.get(sel.route());
      if (p == null) {
        p = RoutePolicies.of(sel, nanoClock);
        IdentityHashMap<RouteModel.Route, RoutePolicies> next = new IdentityHashMap<>(byRoute);
        next.put(sel.route(), p);
        byRoute = next;
      }
      return p;
    }
  }

  /** One service's subscription. */
  final class Entry {
    final String name;
    /** Completes true once routes are known, false when no such listener exists. */
    final CompletableFuture<Boolean> resolved = new CompletableFuture<>();
    /**
     * Set when a caller waited the whole lookup timeout for {@link #resolved} without a control
     * plane: later callers do not wait until one is connected.
     */
    volatile boolean waitedOut;
    volatile State state;
    private RouteModel.ListenerConfig listener;
    private String rdsName;
    private final ResourceWatcher<RouteModel.RouteConfig> routeWatcher = new ResourceWatcher<>() {
      @Override
      public void onChanged(RouteModel.RouteConfig rc) {
        publish(rc);
      }

      @Override
      public void onDoesNotExist(String n) {
        log.warn("route configuration {} of {} does not exist", n, name);
        state = null;
        resolved.complete(false);
      }

      @Override
      public void onAmbientError(String message) {
        log.debug("routes of {}: {}", name, message);
      }
    };
    final ResourceWatcher<RouteModel.ListenerConfig> listenerWatcher = new ResourceWatcher<>() {
      @Override
      public void onChanged(RouteModel.ListenerConfig l) {
        listener = l;
        if (l.inlineRouteConfig() != null) {
          cancelRds();
          publish(l.inlineRouteConfig());
        } else if (!Objects.equals(rdsName, l.routeConfigName())) {
          cancelRds();
          rdsName = l.routeConfigName();
          xds.watch(TypeUrls.ROUTE_CONFIGURATION, rdsName, routeWatcher);
        }
      }

      @Override
      public void onDoesNotExist(String n) {
        state = null;
        resolved.complete(false);
      }

      @Override
      public void onAmbientError(String message) {
        log.debug("listener {}: {}", name, message);
      }
    };

    Entry(String name) {
      this.name = name;
    }

    private void cancelRds() {
      if (rdsName != null) {
        xds.cancelWatch(TypeUrls.ROUTE_CONFIGURATION, rdsName, routeWatcher);
        rdsName = null;
      }
    }

    private void publish(RouteModel.RouteConfig rc) {
      for (RouteModel.VirtualHost vh : rc.virtualHosts()) {
        for (RouteModel.Route r : vh.routes()) {
          r.action().clusters().forEach(c -> clusters.entry(c.name()));
          r.action().mirrors().forEach(m -> clusters.entry(m.cluster()));
        }
      }
      state = new State(new Router(rc, listener), rc, listener, nanoClock);
      resolved.complete(true);
    }
  }
}
