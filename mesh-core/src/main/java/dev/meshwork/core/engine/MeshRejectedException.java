package dev.meshwork.core.engine;

import java.io.IOException;

/**
 * The mesh refused or gave up on a call on purpose (no healthy upstream, circuit open, retry budget
 * spent, rate limited). An {@link IOException} so OkHttp callers catch it where they catch network
 * failures; gRPC adapters map {@link #kind()} to a Status.
 */
public class MeshRejectedException extends IOException {
  /** Why the mesh rejected the call. */
  public enum Kind { NO_HEALTHY_UPSTREAM, CIRCUIT_OPEN, RETRY_BUDGET_EXHAUSTED, RATE_LIMITED, NO_ROUTE }

  private final Kind kind;

  public MeshRejectedException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
