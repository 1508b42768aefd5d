package dev.meshwork.controlplane.internal.model;

import java.time.Duration;

/**
 * Istio TrafficPolicy. Each part is null when not set. A subset's policy replaces the rule-level
 * part by part (Istio's merge), which {@link #overriddenBy} implements.
 */
public record TrafficPolicy(
    LoadBalancer loadBalancer, ConnectionPool connectionPool, OutlierDetection outlierDetection, ClientTls tls) {
  public static final TrafficPolicy NONE = new TrafficPolicy(null, null, null, null);

  /** A policy without {@code tls}. */
  public TrafficPolicy(LoadBalancer loadBalancer, ConnectionPool connectionPool, OutlierDetection outlierDetection) {
    this(loadBalancer, connectionPool, outlierDetection, null);
  }

  public TrafficPolicy overriddenBy(TrafficPolicy subset) {
    if (subset == null) {
      return this;
    }
    return new TrafficPolicy(
        subset.loadBalancer != null ? subset.loadBalancer : loadBalancer,
        subset.connectionPool != null ? subset.connectionPool : connectionPool,
        subset.outlierDetection != null ? subset.outlierDetection : outlierDetection,
        subset.tls != null ? subset.tls : tls);
  }

  /** LoadBalancerSettings: simple or consistentHash (exactly one). */
  public record LoadBalancer(Simple simple, ConsistentHash consistentHash) {}

  /**
   * LoadBalancerSettings.SimpleLB; UNSPECIFIED means Istio's default (LEAST_REQUEST). PASSTHROUGH
   * (forward to the caller's original destination) becomes an ORIGINAL_DST cluster, as istiod
   * writes it; proxyless clients cannot honour that and NACK it.
   */
  public enum Simple { UNSPECIFIED, ROUND_ROBIN, LEAST_REQUEST, RANDOM, PASSTHROUGH }

  /**
   * Exactly one of httpHeaderName, httpCookie, useSourceIp is set.
   *
   * @param minimumRingSize 0 when not set (Envoy's default applies)
   */
  public record ConsistentHash(String httpHeaderName, HttpCookie httpCookie, boolean useSourceIp, long minimumRingSize) {}

  /** Cookie hash key; ttl null when not set. */
  public record HttpCookie(String name, String path, Duration ttl) {}

  /** Connection pool thresholds; null means not set. */
  public record ConnectionPool(
      Integer maxConnections,
      Duration connectTimeout,
      Integer http1MaxPendingRequests,
      Integer http2MaxRequests,
      Integer maxRetries,
      H2UpgradePolicy h2UpgradePolicy) {}

  /** Istio's h2UpgradePolicy. */
  public enum H2UpgradePolicy { DEFAULT, DO_NOT_UPGRADE, UPGRADE }

  /** Outlier detection; null fields mean Istio's defaults. */
  public record OutlierDetection(
      Integer consecutive5xxErrors,
      Integer consecutiveGatewayErrors,
      Duration interval,
      Duration baseEjectionTime,
      Integer maxEjectionPercent) {}
}
