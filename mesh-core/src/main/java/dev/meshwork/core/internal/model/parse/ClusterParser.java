package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.xds.InvalidResourceException;
import dev.meshwork.core.internal.xds.ResourceParser;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import java.time.Duration;

/**
 * CDS: an EDS Cluster to {@link ClusterModel.Cluster}, with Envoy's defaults for everything unset.
 *
 * <p>Only EDS clusters are supported: the client resolves no DNS and has no static hosts.
 * Outlier detection keeps the consecutive-error rules (Envoy's: consecutive_5xx enforced at 100%
 * by default, consecutive_gateway_failure at 0%); a rule enforced at any percentage above 0 counts
 * as enforced. Success-rate and failure-percentage ejection (which our control plane adds for
 * gRPC) are ignored. A TLS transport socket becomes {@link dev.meshwork.core.engine.UpstreamTls} (see {@link
 * UpstreamTlsParser}); health checks and subset load balancing are ignored.
 * Stateless and thread-safe.
 */
public final class ClusterParser implements ResourceParser<ClusterModel.Cluster> {
  public static final String TYPE_URL = Protos.TYPE_PREFIX + Cluster.getDescriptor().getFullName();
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public Class<? extends Message> protoClass() {
    return Cluster.class;
  }

  @Override
  public String name(Message resource) {
    return ((Cluster) resource).getName();
  }

  @Override
  public ClusterModel.Cluster parse(Message resource) throws InvalidResourceException {
    if (!(resource instanceof Cluster c)) {
      throw new InvalidResourceException("cluster: expected Cluster, got " + resource.getDescriptorForType().getFullName());
    }
    try {
      return cluster(c);
    } catch (BadField e) {
      throw new InvalidResourceException(e.render("cluster", c.getName()));
    }
  }

  private static ClusterModel.Cluster cluster(Cluster c) {
    if (c.getClusterDiscoveryTypeCase() == Cluster.ClusterDiscoveryTypeCase.CLUSTER_TYPE) {
      throw new BadField("cluster_type", c.getClusterType().getName() + " is not supported (expected: type EDS)");
    }
    if (c.getType() != Cluster.DiscoveryType.EDS) {
      throw new BadField("type", c.getType() + " is not supported (expected: EDS)");
    }
    ConfigSource eds = c.getEdsClusterConfig().getEdsConfig();
    if (c.getEdsClusterConfig().hasEdsConfig() && !eds.hasAds() && !eds.hasSelf()) {
      throw new BadField("eds_cluster_config.eds_config", "is " + eds.getConfigSourceSpecifierCase() + " (expected: ads or self)");
    }
    String edsName = c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName() : c.getEdsClusterConfig().getServiceName();
    LbPolicyParser.Lb lb = LbPolicyParser.lb(c);
    ClusterModel.Thresholds thresholds = ClusterModel.Thresholds.ENVOY_DEFAULTS;
    ClusterModel.RetryBudget budget = null;
    for (int i = 0; i < c.getCircuitBreakers().getThresholdsCount(); i++) {
      CircuitBreakers.Thresholds t = c.getCircuitBreakers().getThresholds(i);
      if (t.getPriority() == RoutingPriority.DEFAULT) {
        thresholds = thresholds(t);
        budget = t.hasRetryBudget() ? at("circuit_breakers.thresholds[" + i + "].retry_budget", () -> budget(t.getRetryBudget())) : null;
        break;
      }
    }
    ClusterModel.Outlier outlier = c.hasOutlierDetection() ? at("outlier_detection", () -> outlier(c.getOutlierDetection())) : null;
    Duration connect = c.hasConnectTimeout() ? at("connect_timeout", () -> Protos.duration(c.getConnectTimeout())) : DEFAULT_CONNECT_TIMEOUT;
    dev.meshwork.core.engine.UpstreamTls tls = UpstreamTlsParser.tls(c);
    return new ClusterModel.Cluster(c.getName(), edsName, lb.policy(), lb.choices(), lb.minRing(), lb.maxRing(),
        thresholds, outlier, budget, connect, tls);
  }

  /** Unset thresholds keep Envoy's defaults; values are uint32 (our control plane sends 0xFFFFFFFF for "unlimited"). */
  private static ClusterModel.Thresholds thresholds(CircuitBreakers.Thresholds t) {
    ClusterModel.Thresholds d = ClusterModel.Thresholds.ENVOY_DEFAULTS;
    return new ClusterModel.Thresholds(
        value(t.hasMaxConnections(), t.getMaxConnections(), d.maxConnections()),
        value(t.hasMaxPendingRequests(), t.getMaxPendingRequests(), d.maxPendingRequests()),
        value(t.hasMaxRequests(), t.getMaxRequests(), d.maxRequests()),
        value(t.hasMaxRetries(), t.getMaxRetries(), d.maxRetries()));
  }

  private static long value(boolean present, UInt32Value v, long absent) {
    return present ? Protos.uint32(v.getValue()) : absent;
  }

  /** Envoy defaults: 20% of active requests, at least 3 concurrent retries. */
  private static ClusterModel.RetryBudget budget(CircuitBreakers.Thresholds.RetryBudget b) {
    double percent = b.hasBudgetPercent() ? b.getBudgetPercent().getValue() : 20.0;
    if (!(percent >= 0 && percent <= 100)) {
      throw new BadField("budget_percent", percent + " is out of range (expected: 0-100)");
    }
    int min = b.hasMinRetryConcurrency()
        ? at("min_retry_concurrency", () -> Protos.uint32AsInt(b.getMinRetryConcurrency().getValue()))
        : 3;
    return new ClusterModel.RetryBudget(percent, min);
  }

  private static ClusterModel.Outlier outlier(OutlierDetection o) {
    int c5xx = count(o.hasConsecutive5Xx(), o.getConsecutive5Xx(), o.hasEnforcingConsecutive5Xx(),
        o.getEnforcingConsecutive5Xx(), 100, "consecutive_5xx");
    int gateway = count(o.hasConsecutiveGatewayFailure(), o.getConsecutiveGatewayFailure(),
        o.hasEnforcingConsecutiveGatewayFailure(), o.getEnforcingConsecutiveGatewayFailure(), 0, "consecutive_gateway_failure");
    Duration interval = positive(o.hasInterval(), o.getInterval(), Duration.ofSeconds(10), "interval");
    Duration base = positive(o.hasBaseEjectionTime(), o.getBaseEjectionTime(), Duration.ofSeconds(30), "base_ejection_time");
    Duration max = positive(o.hasMaxEjectionTime(), o.getMaxEjectionTime(), Duration.ofSeconds(300), "max_ejection_time");
    if (max.compareTo(base) < 0) {
      // Envoy rejects this too: ejection time grows from base up to max.
      throw new BadField("max_ejection_time", max + " is below base_ejection_time " + base);
    }
    long percent = o.hasMaxEjectionPercent() ? Protos.uint32(o.getMaxEjectionPercent().getValue()) : 10;
    if (percent > 100) {
      throw new BadField("max_ejection_percent", percent + " is above 100");
    }
    return new ClusterModel.Outlier(c5xx, gateway, interval, base, max, (int) percent);
  }

  /** The consecutive count, or 0 when the rule is not enforced (enforcing percentage 0). */
  private static int count(boolean hasCount, UInt32Value count, boolean hasEnforcing, UInt32Value enforcing,
      int defaultEnforcing, String field) {
    long n = hasCount ? Protos.uint32(count.getValue()) : 5;
    long e = hasEnforcing ? Protos.uint32(enforcing.getValue()) : defaultEnforcing;
    if (e > 100) {
      throw new BadField("enforcing_" + field, e + " is above 100");
    }
    if (n > Integer.MAX_VALUE) {
      throw new BadField(field, n + " is too large");
    }
    return e == 0 ? 0 : (int) n;
  }

  private static Duration positive(boolean present, com.google.protobuf.Duration d, Duration absent, String field) {
    if (!present) {
      return absent;
    }
    Duration v = at(field, () -> Protos.duration(d));
    if (v.isZero()) {
      throw new BadField(field, "is 0 (expected: > 0)");
    }
    return v;
  }
}
