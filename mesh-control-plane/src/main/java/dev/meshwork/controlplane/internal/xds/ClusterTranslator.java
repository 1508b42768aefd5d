package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Any;
import dev.meshwork.controlplane.internal.model.DestinationRule;
import dev.meshwork.controlplane.internal.model.RetryBudget;
import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.Percent;
import java.time.Duration;

/**
 * CDS: one EDS cluster per {@link ServiceCatalog.ClusterSpec}, endpoints fetched over ADS under
 * the cluster's own name. Connection pool, load balancer and outlier detection follow istiod's
 * cluster builder (pilot/pkg/networking/core/cluster_traffic_policy.go).
 *
 * <p>Deviation from istiod: every cluster gets a retry budget ({@link #retryBudget}), Envoy's
 * {@code circuit_breakers.thresholds[DEFAULT].retry_budget}, so retries cannot multiply the load
 * on a failing service. gRPC ignores it (it reads only max_requests).
 */
final class ClusterTranslator {
  /** Istio's mesh-wide default connectTimeout. */
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Istio's "unlimited" circuit-breaker threshold. Envoy's own defaults (1024, max_retries 3) trip
   * during endpoint churn, so istiod always writes all four thresholds; gRPC reads only
   * max_requests and would otherwise cap concurrent calls per cluster at 1024.
   */
  static final long UNLIMITED = 0xFFFF_FFFFL;

  static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private ClusterTranslator() {}

  static Cluster cluster(ServiceCatalog.ClusterSpec spec) {
    TrafficPolicy policy = spec.policy();
    TrafficPolicy.ConnectionPool pool = policy.connectionPool();
    Cluster.Builder c = Cluster.newBuilder()
        .setName(spec.name())
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(XdsProtos.ads())
            .setServiceName(spec.name()))
        .setConnectTimeout(XdsProtos.duration(
            pool != null && pool.connectTimeout() != null ? pool.connectTimeout() : DEFAULT_CONNECT_TIMEOUT))
        .setCircuitBreakers(circuitBreakers(pool, retryBudget(spec)));
    LoadBalancingPolicies.apply(c, policy.loadBalancer());
    OutlierDetection outlier = OutlierDetections.of(policy.outlierDetection());
    if (outlier != null) {
      c.setOutlierDetection(outlier);
      // istiod disables the panic threshold whenever outlier detection is on (minHealthPercent
      // defaults to 0): with few endpoints, panic mode would send traffic to ejected hosts.
      c.getCommonLbConfigBuilder().setHealthyPanicThreshold(Percent.newBuilder().setValue(0));
    }
    if (pool != null && pool.h2UpgradePolicy() == TrafficPolicy.H2UpgradePolicy.UPGRADE) {
      // What istiod emits for UPGRADE; gRPC always speaks HTTP/2 and ignores it.
      HttpProtocolOptions h2 = HttpProtocolOptions.newBuilder()
          .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
              .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
          .build();
      c.putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, Any.pack(h2));
    }
    return c.build();
  }

  /**
   * The cluster's retry budget: its DestinationRule's annotations; else Meshwork's default
   * ({@link RetryBudget#DEFAULT}, so retries never multiply an outage), unless the cluster's
   * connection pool sets maxRetries, which Envoy would ignore next to a budget. Null for none.
   */
  static RetryBudget retryBudget(ServiceCatalog.ClusterSpec spec) {
    DestinationRule rule = spec.service().rule();
    if (rule != null && rule.retryBudget() != null) {
      return rule.retryBudget();
    }
    TrafficPolicy.ConnectionPool pool = spec.policy().connectionPool();
    return pool != null && pool.maxRetries() != null ? null : RetryBudget.DEFAULT;
  }

  /**
   * Istio's applyConnectionPool: defaults to unlimited; a configured value > 0 replaces one
   * threshold. A retry budget, when given, bounds concurrent retries instead of max_retries.
   */
  static CircuitBreakers circuitBreakers(TrafficPolicy.ConnectionPool pool, RetryBudget budget) {
    CircuitBreakers.Thresholds.Builder t = CircuitBreakers.Thresholds.newBuilder()
        .setPriority(RoutingPriority.DEFAULT)
        .setMaxConnections(XdsProtos.uint32(limit(pool == null ? null : pool.maxConnections())))
        .setMaxPendingRequests(XdsProtos.uint32(limit(pool == null ? null : pool.http1MaxPendingRequests())))
        .setMaxRequests(XdsProtos.uint32(limit(pool == null ? null : pool.http2MaxRequests())))
        .setMaxRetries(XdsProtos.uint32(limit(pool == null ? null : pool.maxRetries())))
        .setTrackRemaining(true);
    if (budget != null) {
      t.setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder()
          .setBudgetPercent(Percent.newBuilder().setValue(budget.percent()))
          .setMinRetryConcurrency(XdsProtos.uint32(budget.minRetryConcurrency())));
    }
    return CircuitBreakers.newBuilder().addThresholds(t).build();
  }

  private static long limit(Integer configured) {
    // Istio cannot tell 0 from unset and treats both as unset; we do the same.
    return configured != null && configured > 0 ? configured : UNLIMITED;
  }
}
