package dev.meshwork.grpc.internal;

import dev.meshwork.core.telemetry.MeshTelemetry;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Observes every call on a mesh channel: a {@link CallTelemetry} per call (the logical CLIENT
 * span, metrics and access log line), installed as the call's stream tracer factory so that each
 * attempt grpc-xds makes (its own retries, per the route's retry policy) gets its own attempt span
 * and trace headers. Only installed when telemetry is enabled. Thread-safe; no locks.
 */
public final class ClientTelemetryInterceptor implements ClientInterceptor {
  private final MeshTelemetry telemetry;
  private final String service;

  public ClientTelemetryInterceptor(MeshTelemetry telemetry, String service) {
    this.telemetry = telemetry;
    this.service = service;
  }

  /**
   * The call's telemetry, for interceptors further down (the rate limiter flags its refusals):
   * found among the stream tracer factories, which saves a second copy of the call options per call.
   */
  static CallTelemetry of(CallOptions options) {
    for (var f : options.getStreamTracerFactories()) {
      if (f instanceof CallTelemetry c) {
        return c;
      }
    }
    return null;
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
      CallOptions options, Channel next) {
    CallTelemetry call = new CallTelemetry(telemetry, service, method.getFullMethodName());
    ClientCall<ReqT, RespT> delegate = next.newCall(method, options.withStreamTracerFactory(call));
    return new ForwardingClientCall.SimpleForwardingClientCall<>(delegate) {
      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        call.start();
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            call.end(status);
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }
}
