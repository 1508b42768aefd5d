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
   * @param tls null for plaintext; else the upstream speaks mTLS with mesh certificates
   */
  public record Cluster(String name, String edsServiceName, LbPolicy lbPolicy, int leastRequestChoices,
      long minRingSize, long maxRingSize, Thresholds thresholds, Outlier outlier, RetryBudget retryBudget,
      Duration connectTimeout, dev.meshwork.core.engine.UpstreamTls tls) {}

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

  /**
   * One EDS locality. {@code weight} is load_balancing_weight (1 when unset); it only matters to
   * locality-weighted balancing, which we do not do: endpoints of one priority are pooled, as in
   * Envoy without locality_weighted_lb_config.
   */
  public record LocalityGroup(String region, String zone, String subZone, int priority, int weight,
      List<Address> endpoints) {
    public LocalityGroup {
      endpoints = List.copyOf(endpoints);
    }

    public Locality locality() {
      return new Locality(region, zone, subZone);
    }

    /** The same group at another priority (locality failover derives priorities on the client). */
    public LocalityGroup withPriority(int newPriority) {
      return new LocalityGroup(region, zone, subZone, newPriority, weight, endpoints);
    }
  }

  /** Where an endpoint or this client runs; empty strings for unknown parts, never null. */
  public record Locality(String region, String zone, String subZone) {
    public Locality {
      region = region == null ? "" : region;
      zone = zone == null ? "" : zone;
      subZone = subZone == null ? "" : subZone;
    }

    public boolean isUnknown() {
      return region.isEmpty() && zone.isEmpty() && subZone.isEmpty();
    }
  }

  /** One endpoint; {@code healthy} is HEALTHY or UNKNOWN health status. */
  public record Address(String ip, int port, int weight, boolean healthy) {
    public String hostPort() {
      return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
    }
  }
}
