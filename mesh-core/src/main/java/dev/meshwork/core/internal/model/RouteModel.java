package dev.meshwork.core.internal.model;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Routes of one service, from its LDS listener and RDS route configuration. */
public final class RouteModel {
  private RouteModel() {}

  /**
   * The listener we use: which route configuration, and listener-level filters.
   *
   * @param routeConfigName the RDS resource to watch, or the inline configuration's name
   * @param faultFilter the fault filter is in the chain: only then do route faults apply (Envoy)
   * @param rateLimitFilter the local rate limit filter is in the chain: only then do route limits apply
   * @param defaultRateLimit the filter's own bucket, applied to routes without an override; null for none
   * @param inlineRouteConfig route_config given inline instead of by RDS; null when RDS is used
   * @param defaultFault the fault filter's own delay/abort, applied to routes without an override;
   *     null when it injects nothing (what Istio and our control plane emit)
   */
  public record ListenerConfig(String name, String routeConfigName, boolean faultFilter, boolean rateLimitFilter,
      RateLimit defaultRateLimit, RouteConfig inlineRouteConfig, Fault defaultFault) {
    /** A listener using RDS, without a listener-level fault. */
    public ListenerConfig(String name, String routeConfigName, boolean faultFilter, boolean rateLimitFilter,
        RateLimit defaultRateLimit) {
      this(name, routeConfigName, faultFilter, rateLimitFilter, defaultRateLimit, null, null);
    }
  }

  /** RDS route configuration; virtual hosts in order. */
  public record RouteConfig(String name, List<VirtualHost> virtualHosts) {
    public RouteConfig {
      virtualHosts = List.copyOf(virtualHosts);
    }
  }

  public record VirtualHost(String name, List<String> domains, List<Route> routes) {
    public VirtualHost {
      domains = List.copyOf(domains);
      routes = List.copyOf(routes);
    }
  }

  /**
   * One route. {@code fault}, {@code rateLimit} are the typed_per_filter_config overrides, resolved
   * as Envoy does (route, else virtual host, else route configuration): null when no level
   * overrides, so the listener's own filter config applies; {@link Fault#NONE} / {@link
   * RateLimit#DISABLED} when the override injects nothing or disables the filter. They only take
   * effect when the listener's chain has the filter. {@code action} null means the route has no
   * forwarding action we support (such routes are rejected by the parser, so never null in practice).
   */
  public record Route(String name, Matchers.RouteMatcher match, Action action, Fault fault, RateLimit rateLimit) {}

  /**
   * RouteAction.
   *
   * @param clusters one entry for a single cluster, several for weighted clusters
   * @param timeout zero for none
   * @param retry null when the route has no retry policy
   * @param mirrors request_mirror_policies
   */
  public record Action(List<WeightedCluster> clusters, int totalWeight, Duration timeout, Retry retry,
      List<HashPolicy> hashPolicies, List<Mirror> mirrors) {
    public Action {
      clusters = List.copyOf(clusters);
      hashPolicies = List.copyOf(hashPolicies);
      mirrors = List.copyOf(mirrors);
    }
  }

  public record WeightedCluster(String name, int weight) {}

  /**
   * Envoy RetryPolicy.
   *
   * @param retryOn tokens such as 5xx, gateway-error, connect-failure, reset, retriable-status-codes
   * @param perTryTimeout zero for none
   * @param backoffBase Envoy default 25 ms
   * @param backoffMax Envoy default 10 × base
   * @param previousHosts retry_host_predicate previous_hosts present
   */
  public record Retry(Set<String> retryOn, int numRetries, Duration perTryTimeout, Set<Integer> retriableStatusCodes,
      Duration backoffBase, Duration backoffMax, boolean previousHosts, int hostSelectionMaxAttempts) {
    public Retry {
      retryOn = Set.copyOf(retryOn);
      retriableStatusCodes = Set.copyOf(retriableStatusCodes);
    }
  }

  /** Hash policy: exactly one of header / cookie / sourceIp / channelId; terminal as in Envoy. */
  public record HashPolicy(String header, String cookieName, boolean sourceIp, boolean terminal) {}

  /** request_mirror_policies entry: fraction in parts per million. */
  public record Mirror(String cluster, int perMillion) {}

  /**
   * HTTPFault: delay and abort with fractions in parts per million; header matchers scope it.
   *
   * @param delay null for no delay
   * @param abortHttpStatus 0 when no HTTP abort
   * @param abortGrpcStatus -1 when no gRPC abort
   */
  public record Fault(Duration delay, int delayPerMillion, int abortHttpStatus, int abortGrpcStatus, int abortPerMillion,
      List<Matchers.HeaderMatcher> headers) {
    /** Injects nothing: a route override that switches faults off, or an empty HTTPFault. */
    public static final Fault NONE = new Fault(null, 0, 0, -1, 0, List.of());

    public Fault {
      headers = List.copyOf(headers);
    }

    /** True when this fault can neither delay nor abort. */
    public boolean isNone() {
      return (delay == null || delayPerMillion == 0) && abortPerMillion == 0;
    }
  }

  /**
   * LocalRateLimit token bucket; enabled/enforced fractions in parts per million; the status
   * returned when limited (Envoy default 429).
   */
  public record RateLimit(long maxTokens, long tokensPerFill, Duration fillInterval, int enabledPerMillion,
      int enforcedPerMillion, int statusCode) {
    /**
     * A route that switches the filter off (FilterConfig disabled, or a per-route config without a
     * token bucket): never enabled, so it overrides the listener's default bucket with nothing.
     */
    public static final RateLimit DISABLED = new RateLimit(0, 0, Duration.ZERO, 0, 0, 429);
  }
}
