package dev.meshwork.controlplane.internal.xds;

import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import java.time.Duration;

/**
 * Istio outlierDetection to Envoy {@code outlier_detection}, in two layers.
 *
 * <p><b>Envoy/Istio layer</b> (what istiod emits; Envoy and our HTTP client apply it):
 * consecutive_5xx with enforcing_consecutive_5xx 100 (0 when the count is 0), the same for
 * consecutive_gateway_failure when set, interval, base_ejection_time, max_ejection_percent, and
 * enforcing_success_rate 0 (Istio disables success-rate ejection). Unset Istio fields are written
 * out with Istio's documented defaults: consecutive5xxErrors 5, interval 10s, baseEjectionTime
 * 30s, maxEjectionPercent 10 (the same values Envoy and gRPC default to).
 *
 * <p><b>gRPC layer</b>: grpc-java ignores the consecutive_* fields and implements only success-rate
 * and failure-percentage ejection, so the same intent is restated as failure-percentage ejection:
 * failure_percentage_threshold 99, enforcing_failure_percentage 100,
 * failure_percentage_minimum_hosts 1, failure_percentage_request_volume N, where N is the larger
 * of the enforced consecutive counts. This is an <em>approximation</em>: "N consecutive errors"
 * becomes "at least N calls in the interval and more than 99% of them failed" (gRPC ejects when
 * the failure rate is strictly greater than the threshold). gRPC counts every non-OK status as a
 * failure, not only 5xx/gateway errors. When both counts are 0 nothing is ejected by errors and
 * enforcing_failure_percentage is 0 (gRPC would otherwise default it on).
 */
final class OutlierDetections {
  static final int DEFAULT_CONSECUTIVE_5XX = 5;
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
  static final int DEFAULT_MAX_EJECTION_PERCENT = 10;
  static final int GRPC_FAILURE_PERCENTAGE_THRESHOLD = 99;

  private OutlierDetections() {}

  /** Null when the policy has no outlierDetection: then no field is emitted at all. */
  static OutlierDetection of(TrafficPolicy.OutlierDetection in) {
    if (in == null) {
      return null;
    }
    int consecutive5xx = in.consecutive5xxErrors() != null ? in.consecutive5xxErrors() : DEFAULT_CONSECUTIVE_5XX;
    OutlierDetection.Builder out = OutlierDetection.newBuilder()
        .setConsecutive5Xx(XdsProtos.uint32(consecutive5xx))
        .setEnforcingConsecutive5Xx(XdsProtos.uint32(consecutive5xx > 0 ? 100 : 0))
        .setInterval(XdsProtos.duration(in.interval() != null ? in.interval() : DEFAULT_INTERVAL))
        .setBaseEjectionTime(XdsProtos.duration(in.baseEjectionTime() != null ? in.baseEjectionTime() : DEFAULT_BASE_EJECTION_TIME))
        .setMaxEjectionPercent(XdsProtos.uint32(in.maxEjectionPercent() != null ? in.maxEjectionPercent() : DEFAULT_MAX_EJECTION_PERCENT))
        .setEnforcingSuccessRate(XdsProtos.uint32(0));
    int gateway = 0;
    if (in.consecutiveGatewayErrors() != null) {
      gateway = in.consecutiveGatewayErrors();
      out.setConsecutiveGatewayFailure(XdsProtos.uint32(gateway))
          .setEnforcingConsecutiveGatewayFailure(XdsProtos.uint32(gateway > 0 ? 100 : 0));
    }
    int requestVolume = Math.max(consecutive5xx, gateway);
    if (requestVolume > 0) {
      out.setFailurePercentageThreshold(XdsProtos.uint32(GRPC_FAILURE_PERCENTAGE_THRESHOLD))
          .setEnforcingFailurePercentage(XdsProtos.uint32(100))
          .setFailurePercentageMinimumHosts(XdsProtos.uint32(1))
          .setFailurePercentageRequestVolume(XdsProtos.uint32(requestVolume));
    } else {
      out.setEnforcingFailurePercentage(XdsProtos.uint32(0));
    }
    return out.build();
  }
}
