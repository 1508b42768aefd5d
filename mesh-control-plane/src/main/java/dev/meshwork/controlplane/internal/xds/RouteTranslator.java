package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import dev.meshwork.controlplane.internal.model.Destination;
import dev.meshwork.controlplane.internal.model.HttpMatch;
import dev.meshwork.controlplane.internal.model.HttpRoute;
import dev.meshwork.controlplane.internal.model.Mirror;
import dev.meshwork.controlplane.internal.model.VirtualService;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * RDS: one RouteConfiguration per listener, holding one VirtualHost (domains "*": the route
 * configuration already belongs to one service, so any authority matches).
 *
 * <p>With a VirtualService its HTTP routes are emitted in order, one Envoy route per match
 * condition (Istio ORs a match list; every copy gets the same action). Emission stops after the
 * first catch-all, as in istiod. Without a catch-all, unmatched requests find no route (Istio:
 * 404; gRPC: UNAVAILABLE). Without a VirtualService: one route "default", prefix "/", to the whole
 * service on the listener's port.
 *
 * <p>Consistent hashing is a route-level hash policy taken from the traffic policy of the
 * destination's cluster. A split over several destinations uses the first destination that hashes
 * (istiod appends every destination's policy, which Envoy would combine into one hash). A route
 * that hashes retries without the previous-hosts predicate, as istiod does, so retries keep the
 * affinity.
 *
 * <p>Mirrors become request_mirror_policies, as istiod's TranslateRequestMirrorPolicy: the mirror
 * destination's cluster (resolved like a route destination's) and the percentage as a runtime
 * fraction per million (50% is 500000/MILLION; 100% when the YAML gives none). A 0% mirror emits
 * nothing. gRPC clients ignore mirror policies; our HTTP client sends the copies with the
 * authority suffixed {@code -shadow}, as Envoy does.
 *
 * <p>A VirtualService's local rate limit goes on each of its routes ({@link RateLimitTranslator}).
 */
final class RouteTranslator {
  static final String DEFAULT_ROUTE_NAME = "default";
  private static final Duration NO_TIMEOUT = Duration.getDefaultInstance();

  private RouteTranslator() {}

  /** True when any route of the service injects faults: only then does its listener get the fault filter. */
  static boolean usesFault(ServiceCatalog.Service service) {
    VirtualService vs = service.virtualService();
    return vs != null && vs.http().stream().anyMatch(r -> FaultTranslator.fault(r.fault()) != null);
  }

  /**
   * @param listenerPort the service port this route configuration serves; a destination without
   *     a port resolves against it (see {@link ServiceCatalog.Service#portFor})
   */
  static RouteConfiguration routeConfiguration(
      String name, ServiceCatalog.Service service, int listenerPort, ServiceCatalog catalog) {
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName(service.host()).addDomains("*");
    VirtualService vs = service.virtualService();
    if (vs == null) {
      vh.addRoutes(defaultRoute(service, listenerPort));
    } else {
      routes:
      for (HttpRoute http : vs.http()) {
        List<HttpMatch> matches = http.match().isEmpty() ? Collections.singletonList(null) : http.match();
        for (HttpMatch match : matches) {
          Route route = route(vs, http, match, listenerPort, catalog);
          vh.addRoutes(route);
          if (RouteMatchTranslator.isCatchAll(route.getMatch())) {
            break routes; // later routes are unreachable
          }
        }
      }
    }
    return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(vh).build();
  }

  private static Route defaultRoute(ServiceCatalog.Service service, int port) {
    List<RouteAction.HashPolicy> hash = HashPolicies.of(service.policy(null));
    RouteAction.Builder action = RouteAction.newBuilder()
        .setCluster(XdsNames.cluster(service.host(), port, null))
        .addAllHashPolicy(hash)
        .setTimeout(NO_TIMEOUT);
    RetryPolicy retry = RetryPolicies.convert(null, !hash.isEmpty());
    action.setRetryPolicy(retry);
    return Route.newBuilder()
        .setName(DEFAULT_ROUTE_NAME)
        .setMatch(RouteMatchTranslator.match(null))
        .setRoute(action)
        .build();
  }

  private static Route route(VirtualService vs, HttpRoute http, HttpMatch match, int listenerPort, ServiceCatalog catalog) {
    Route.Builder out = Route.newBuilder().setMatch(RouteMatchTranslator.match(match));
    String name = routeName(http, match);
    if (name != null) {
      out.setName(name);
    }
    RouteAction.Builder action = RouteAction.newBuilder();
    List<Destination> destinations = destinations(vs, http);
    List<RouteAction.HashPolicy> hash = List.of();
    for (Destination d : destinations) {
      ServiceCatalog.Service target = catalog.service(d.host());
      hash = HashPolicies.of(target.policy(d.subset()));
      if (!hash.isEmpty()) {
        break; // several destinations may hash differently; the first one that hashes decides
      }
    }
    if (http.route().size() == 1) {
      action.setCluster(clusterName(destinations.get(0), listenerPort, catalog));
    } else {
      WeightedCluster.Builder weighted = WeightedCluster.newBuilder();
      for (Destination d : destinations) {
        weighted.addClusters(WeightedCluster.ClusterWeight.newBuilder()
            .setName(clusterName(d, listenerPort, catalog))
            .setWeight(XdsProtos.uint32(d.weight())));
      }
      action.setWeightedClusters(weighted);
    }
    action.addAllHashPolicy(hash);
    applyTimeout(action, http.timeout());
    RetryPolicy retry = RetryPolicies.convert(http.retries(), !hash.isEmpty());
    if (retry != null) {
      action.setRetryPolicy(retry);
    }
    for (Mirror m : http.mirrors()) {
      if (m.percentage() > 0) { // istiod emits no policy for an explicit 0%
        action.addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder()
            .setCluster(clusterName(m.destination(), listenerPort, catalog))
            .setRuntimeFraction(RuntimeFractionalPercent.newBuilder()
                .setDefaultValue(FaultTranslator.percent(m.percentage()))));
      }
    }
    HTTPFault fault = FaultTranslator.fault(http.fault());
    if (fault != null) {
      out.putTypedPerFilterConfig(XdsNames.FAULT_FILTER, Any.pack(fault));
    }
    if (vs.localRateLimit() != null) {
      out.putTypedPerFilterConfig(XdsNames.LOCAL_RATE_LIMIT_FILTER, RateLimitTranslator.perRoute(vs.localRateLimit()));
    }
    return out.setRoute(action).build();
  }

  /**
   * Istio drops weight-0 destinations when there are several. If all are 0 (the loader should
   * reject that) they share equally: gRPC NACKs a weighted_clusters whose weights sum to 0.
   */
  private static List<Destination> destinations(VirtualService vs, HttpRoute http) {
    if (http.route().isEmpty()) {
      throw new IllegalArgumentException(describe(vs) + ": http route " + http.name() + " has no destination");
    }
    if (http.route().size() == 1) {
      return http.route();
    }
    List<Destination> kept = new ArrayList<>();
    for (Destination d : http.route()) {
      if (d.weight() > 0) {
        kept.add(d);
      }
    }
    if (kept.isEmpty()) {
      for (Destination d : http.route()) {
        kept.add(new Destination(d.host(), d.subset(), d.port(), 1));
      }
    }
    return kept;
  }

  private static String clusterName(Destination d, int listenerPort, ServiceCatalog catalog) {
    ServiceCatalog.Service target = catalog.service(d.host());
    return XdsNames.cluster(d.host(), target.portFor(d, listenerPort), d.subset());
  }

  /**
   * route.timeout for Envoy (0s when unset: Istio disables Envoy's 15s default) and
   * max_stream_duration, the only timeout gRPC reads; grpc_timeout_header_max caps a client's
   * grpc-timeout at the same value.
   */
  private static void applyTimeout(RouteAction.Builder action, java.time.Duration timeout) {
    if (timeout == null || timeout.isZero()) {
      action.setTimeout(NO_TIMEOUT);
      return;
    }
    Duration d = XdsProtos.duration(timeout);
    action.setTimeout(d)
        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
            .setMaxStreamDuration(d)
            .setGrpcTimeoutHeaderMax(d));
  }

  /** istiod's naming: the HTTPRoute name, joined with the match name by '.' when both exist. */
  private static String routeName(HttpRoute http, HttpMatch match) {
    String route = blankToNull(http.name());
    String m = match == null ? null : blankToNull(match.name());
    if (route != null && m != null) {
      return route + "." + m;
    }
    return route != null ? route : m;
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String describe(VirtualService vs) {
    return vs.source() == null ? "VirtualService " + vs.hosts() : vs.source().describe();
  }
}
