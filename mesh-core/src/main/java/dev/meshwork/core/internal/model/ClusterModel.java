package dev.meshwork.core.internal.model;

import java.time.Duration;
import java.util.List;

/** A cluster from CDS and its endpoints from EDS. */
public final class ClusterModel {
  private ClusterModel() {}

  /** Load balancing policies we implement (the first supported one of load_balancing_policy wins). */
  public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV }

  /**
   * CDS cluster.
   *
   * @param edsServiceName EDS resource name (cluster name when unset)
   * @param leastRequestChoices power-of-two-choices by default (2)
   * @param outlier null when outlier detection is off
   * @param retryBudget null when the cluster sets no retry budget
   */
  public record Cluster(String name, String edsServiceName, LbPolicy lbPolicy, int leastRequestChoices,
      long minRingSize, long maxRingSize, Thresholds thresholds, Outlier outlier, RetryBudget retryBudget,
      Duration connectTimeout) {}

  /** Circuit breaker thresholds of the DEFAULT priority; Envoy defaults 1024 / 1024 / 1024 / 3. */
  public record Thresholds(long maxConnections, long maxPendingRequests, long maxRequests, long maxRetries) {
    public static final Thresholds ENVOY_DEFAULTS = new Thresholds(1024, 1024, 1024, 3);
  }

  /** Envoy retry_budget: retries allowed = max(minRetryConcurrency, budgetPercent% of active requests). */
  public record RetryBudget(double budgetPercent, int minRetryConcurrency) {}

  /** Consecutive-error outlier detection (Envoy semantics); counts 0 mean that rule is off. */
  public record Outlier(int consecutive5xx, int consecutiveGatewayFailure, Duration interval, Duration baseEjectionTime,
      Duration maxEjectionTime, int maxEjectionPercent) {}

  /** EDS ClusterLoadAssignment: localities with priorities, endpoints with weights. */
  public record Endpoints(String name, List<LocalityGroup> localities) {
    public Endpoints {
      localities = List.copyOf(localities);
    }
  }

  public record LocalityGroup(String region, String zone, String subZone, int priority, int weight,
      List<Address> endpoints) {
    public LocalityGroup {
      endpoints = List.copyOf(endpoints);
    }
  }

  /** One endpoint; {@code healthy} is HEALTHY or UNKNOWN health status. */
  public record Address(String ip, int port, int weight, boolean healthy) {
    public String hostPort() {
      return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
    }
  }
}
