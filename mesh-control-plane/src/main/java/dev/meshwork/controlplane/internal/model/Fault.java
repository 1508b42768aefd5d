package dev.meshwork.controlplane.internal.model;

import java.time.Duration;

/**
 * Istio HTTPFaultInjection. Either part may be null. Percentages are 0..100 (doubles, Istio's
 * {@code percentage.value}); the deprecated integer {@code percent} is mapped to the same field.
 */
public record Fault(Delay delay, Abort abort) {
  /** Fixed delay before the request is forwarded. */
  public record Delay(Duration fixedDelay, double percentage) {}

  /**
   * Abort with an HTTP status or a gRPC status; exactly one of them is set.
   *
   * @param httpStatus 200..599, or 0 when grpcStatus is used
   * @param grpcStatus gRPC code name such as "UNAVAILABLE", or null
   */
  public record Abort(int httpStatus, String grpcStatus, double percentage) {}
}
