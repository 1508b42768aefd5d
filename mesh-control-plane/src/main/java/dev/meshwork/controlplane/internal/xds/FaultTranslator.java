package dev.meshwork.controlplane.internal.xds;

import dev.meshwork.controlplane.internal.model.Fault;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.List;
import java.util.Locale;

/**
 * Istio HTTPFaultInjection to the per-route HTTPFault override of the
 * {@value XdsNames#FAULT_FILTER} filter, as istiod's TranslateFault does. gRPC maps an HTTP abort
 * status to a gRPC code (503 becomes UNAVAILABLE).
 */
final class FaultTranslator {
  /** gRPC status names in code order: the index is the code. */
  private static final List<String> GRPC_CODES = List.of(
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
      "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");

  private FaultTranslator() {}

  /** Null when the route injects nothing. */
  static HTTPFault fault(Fault f) {
    boolean delay = f != null && f.delay() != null && f.delay().fixedDelay() != null;
    if (f == null || (!delay && f.abort() == null)) {
      return null;
    }
    HTTPFault.Builder out = HTTPFault.newBuilder();
    if (delay) {
      out.setDelay(FaultDelay.newBuilder()
          .setFixedDelay(XdsProtos.duration(f.delay().fixedDelay()))
          .setPercentage(percent(f.delay().percentage())));
    }
    if (f.abort() != null) {
      FaultAbort.Builder abort = FaultAbort.newBuilder().setPercentage(percent(f.abort().percentage()));
      if (f.abort().grpcStatus() != null) {
        abort.setGrpcStatus(grpcCode(f.abort().grpcStatus()));
      } else {
        abort.setHttpStatus(f.abort().httpStatus());
      }
      out.setAbort(abort);
    }
    return out.build();
  }

  /** Istio's percentage: per million, so 0.0001% steps survive; 20 becomes 200000/MILLION. */
  static FractionalPercent percent(double pct) {
    long perMillion = Math.round(pct * 10_000);
    return FractionalPercent.newBuilder()
        .setNumerator((int) Math.max(0, Math.min(1_000_000, perMillion)))
        .setDenominator(FractionalPercent.DenominatorType.MILLION)
        .build();
  }

  static int grpcCode(String name) {
    int code = GRPC_CODES.indexOf(name.toUpperCase(Locale.ROOT));
    if (code < 0) {
      throw new IllegalArgumentException("grpcStatus: " + name + " (expected: a gRPC status name such as UNAVAILABLE)");
    }
    return code;
  }
}
