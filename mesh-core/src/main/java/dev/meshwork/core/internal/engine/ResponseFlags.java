package dev.meshwork.core.internal.engine;

import dev.meshwork.core.engine.MeshRejectedException;
import java.io.InterruptedIOException;
import java.net.ConnectException;

/**
 * Envoy's response flags for a call that ended without a response, as Istio reports them in
 * {@code response_flags}: the mesh's own refusals ({@code NR} no route, {@code UH} no healthy
 * upstream, {@code UO} circuit open, {@code URX} retry budget or limit spent, {@code RL} rate
 * limited) and upstream failures ({@code UF} connect failure, {@code UT} timeout, {@code UC}
 * connection reset or closed).
 */
final class ResponseFlags {
  private ResponseFlags() {}

  /**
   * The flag {@code failure} adds to those already set ({@code current}, formatted), or null: none
   * for an upstream failure once the caller has gone ({@code DC}), since the attempt was stopped
   * on its behalf.
   */
  static String of(Throwable failure, String current) {
    if (failure instanceof MeshRejectedException r) {
      return switch (r.kind()) {
        case NO_ROUTE -> "NR";
        case NO_HEALTHY_UPSTREAM -> "UH";
        case CIRCUIT_OPEN -> "UO";
        case RETRY_BUDGET_EXHAUSTED -> "URX";
        case RATE_LIMITED -> "RL";
      };
    }
    if (current.contains("DC")) {
      return null;
    }
    if (failure instanceof ConnectException) {
      return "UF";
    }
    if (failure instanceof InterruptedIOException) {
      return "UT";
    }
    return failure instanceof java.io.IOException ? "UC" : null;
  }
}
