package dev.meshwork.grpc.internal;

import dev.meshwork.core.identity.SpiffePeers;
import dev.meshwork.core.telemetry.MeshTelemetry;
import dev.meshwork.core.telemetry.ServerObservation;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import javax.net.ssl.SSLSession;

/**
 * Inbound telemetry for a mesh gRPC server: as a stream tracer factory it sees every call, those
 * that grpc-xds's RBAC refuses before any interceptor runs included, and records each with its
 * final status; as an interceptor it makes the call's server span and the caller's baggage the
 * current OpenTelemetry context while the application handles the call. The server span starts
 * when the call starts (the caller's SPIFFE ID, from the TLS session, is known then) and continues
 * the caller's trace from the W3C headers. Only installed when telemetry is enabled. Thread-safe;
 * no locks.
 */
public final class ServerTelemetry extends ServerStreamTracer.Factory implements ServerInterceptor {
  private static final Context.Key<Inbound> INBOUND = Context.key("meshwork.telemetry.inbound");
  private static final AtomicReferenceFieldUpdater<Inbound, Object> STATE =
      AtomicReferenceFieldUpdater.newUpdater(Inbound.class, Object.class, "state");

  private final MeshTelemetry telemetry;

  public ServerTelemetry(MeshTelemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return new Inbound(telemetry, fullMethodName, headers);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    Inbound inbound = INBOUND.get();
    Object state = inbound == null ? null : inbound.state;
    if (!(state instanceof ServerObservation observation)) {
      return next.startCall(call, headers);
    }
    io.opentelemetry.context.Context context = observation.context();
    ServerCall.Listener<ReqT> listener;
    try (var scope = context.makeCurrent()) {
      listener = next.startCall(call, headers);
    }
    return new ContextListener<>(listener, context);
  }

  /**
   * One inbound call. {@code state} goes from null to the started {@link ServerObservation}, or,
   * when the stream closes before the call started (cancelled early), to its closing status.
   */
  static final class Inbound extends ServerStreamTracer {
    private final MeshTelemetry telemetry;
    private final String method;
    private volatile Metadata headers;
    volatile Object state;

    Inbound(MeshTelemetry telemetry, String method, Metadata headers) {
      this.telemetry = telemetry;
      this.method = method;
      this.headers = headers;
    }

    @Override
    public Context filterContext(Context context) {
      return context.withValue(INBOUND, this);
    }

    @Override
    public void serverCallStarted(ServerCallInfo<?, ?> info) {
      ServerObservation o = start(info.getAttributes());
      if (!STATE.compareAndSet(this, null, o)) {
        Object closed = state;
        o.end(GrpcStatusCodes.of((Status) closed), ((Status) closed).getCause());
      }
    }

    @Override
    public void streamClosed(Status status) {
      Object s = state;
      if (s == null && STATE.compareAndSet(this, null, status)) {
        start(null).end(GrpcStatusCodes.of(status), status.getCause()); // closed before the call started
      } else if (s instanceof ServerObservation o) {
        o.end(GrpcStatusCodes.of(status), status.getCause());
      }
    }

    private ServerObservation start(Attributes attributes) {
      SSLSession session = attributes == null ? null : attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      String peer = session == null ? null : SpiffePeers.peerId(session).map(Object::toString).orElse(null);
      Metadata h = headers;
      headers = null;
      return telemetry.startServer("grpc", method, method, h, GrpcMetadataCarrier.INSTANCE, peer);
    }
  }
}
