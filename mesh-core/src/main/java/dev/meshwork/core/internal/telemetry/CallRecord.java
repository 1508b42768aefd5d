package dev.meshwork.core.internal.telemetry;

/**
 * One finished call as the meters and the access log see it. Strings are never null: unknown
 * values are {@code "unknown"}, absent ones empty.
 *
 * @param client true for the caller's side (Istio's reporter=source)
 * @param protocol {@code http} or {@code grpc}
 * @param source calling workload's service
 * @param destination called service (host as the caller wrote it, port stripped)
 * @param method HTTP method, or the gRPC full method name ({@code pkg.Service/Method})
 * @param code HTTP status, or the numeric gRPC status; {@code 0} when there was no response
 * @param flags Envoy/Istio response flags ({@code -} for none, e.g. {@code UO}, {@code NR}, {@code URX})
 * @param errorType exception class of a failed call, empty otherwise
 * @param mtls whether the connection was mutual TLS (server side; the client does not know)
 */
public record CallRecord(boolean client, String protocol, String source, String sourceNamespace, String destination,
    String destinationNamespace, String method, String target, String route, String cluster, String subset,
    String endpoint, int attempts, String code, String flags, String errorType, boolean mtls, String peer,
    long durationNanos, String traceId) {
  public boolean retried() {
    return attempts > 1;
  }

  public boolean grpc() {
    return protocol.equals("grpc");
  }
}
