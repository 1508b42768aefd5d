package dev.meshwork.core.internal.policy;

import java.time.Duration;

/**
 * What the fault filter does to one request: wait {@code delay} first (zero for none), then abort
 * with {@code abortHttpStatus} (0 for none) or {@code abortGrpcStatus} (-1 for none) instead of
 * calling upstream. gRPC adapters given only an HTTP status map it to a gRPC code as Envoy does
 * (Grpc::Utility::httpToGrpcStatus). Immutable.
 */
public record FaultDecision(Duration delay, int abortHttpStatus, int abortGrpcStatus) {
  /** No delay, no abort. */
  public static final FaultDecision NONE = new FaultDecision(Duration.ZERO, 0, -1);

  public FaultDecision {
    if (delay == null || delay.isNegative()) {
      throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
    }
  }

  public boolean hasDelay() {
    return !delay.isZero();
  }

  public boolean hasAbort() {
    return abortHttpStatus > 0 || abortGrpcStatus >= 0;
  }
}
