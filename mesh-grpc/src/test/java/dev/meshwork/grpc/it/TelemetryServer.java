package dev.meshwork.grpc.it;

import dev.meshwork.core.MeshRegistration;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.telemetry.MeshTelemetry;
import dev.meshwork.grpc.MeshServers;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gRPC xDS server ({@link MeshServers}) with telemetry answering {@link Echo#WHO} with
 * {@code name|baggage user}, registered in the control plane. It can fail every call, or every
 * first attempt (calls without {@code grpc-previous-rpc-attempts}).
 */
final class TelemetryServer implements AutoCloseable {
  enum Mode { OK, FAIL_ALL, FAIL_FIRST_ATTEMPT }

  private static final Metadata.Key<String> PREVIOUS_ATTEMPTS =
      Metadata.Key.of("grpc-previous-rpc-attempts", Metadata.ASCII_STRING_MARSHALLER);

  final String name;
  final int port;
  /** Calls whose stream closed (counted after the telemetry tracer recorded them). */
  final AtomicLong closed = new AtomicLong();
  /** Calls whose stream opened: equal to {@link #closed} when none is in flight. */
  final AtomicLong opened = new AtomicLong();
  /** The span context current in the handler, per handled call. */
  final List<SpanContext> handlerSpans = new CopyOnWriteArrayList<>();
  private final Server server;
  private final MeshRegistration registration;

  TelemetryServer(String controlPlane, String service, String name, Mode mode,
      java.util.function.Function<MeshSettings, MeshTelemetry> telemetry) throws IOException {
    this.name = name;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    MeshSettings self = MeshSettings.builder().controlPlane(controlPlane).service(service).instanceId(name).build();
    ServerServiceDefinition def = ServerServiceDefinition.builder(Echo.SERVICE)
        .addMethod(Echo.WHO, ServerCalls.asyncUnaryCall((req, out) -> {
          handlerSpans.add(Span.current().getSpanContext());
          if (mode == Mode.FAIL_ALL) {
            out.onError(Status.UNAVAILABLE.withDescription(name + " failing on purpose").asRuntimeException());
            return;
          }
          String user = Baggage.current().getEntryValue("user");
          out.onNext(name + "|" + user);
          out.onCompleted();
        }))
        .build();
    if (mode == Mode.FAIL_FIRST_ATTEMPT) {
      def = ServerInterceptors.intercept(def, new ServerInterceptor() {
        @Override
        public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            io.grpc.ServerCallHandler<ReqT, RespT> next) {
          if (headers.get(PREVIOUS_ATTEMPTS) == null) {
            call.close(Status.UNAVAILABLE.withDescription(name + " fails first attempts"), new Metadata());
            return new ServerCall.Listener<>() {};
          }
          return next.startCall(call, headers);
        }
      });
    }
    server = MeshServers.forPort(self, port, telemetry.apply(self))
        .addService(def)
        .addStreamTracerFactory(new ServerStreamTracer.Factory() {
          @Override
          public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
            opened.incrementAndGet();
            return new ServerStreamTracer() {
              @Override
              public void streamClosed(Status status) {
                closed.incrementAndGet();
              }
            };
          }
        })
        .build()
        .start();
    registration = MeshRegistration.register(self, "127.0.0.1", port, Map.of("version", "v1"), Duration.ofSeconds(10));
  }

  @Override
  public void close() throws InterruptedException {
    registration.close();
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
