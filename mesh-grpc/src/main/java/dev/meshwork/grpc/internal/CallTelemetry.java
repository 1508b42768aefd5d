package dev.meshwork.grpc.internal;

import dev.meshwork.core.telemetry.AttemptObservation;
import dev.meshwork.core.telemetry.ClientObservation;
import dev.meshwork.core.telemetry.MeshTelemetry;
import io.grpc.Attributes;
import io.grpc.ClientStreamTracer;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.internal.GrpcAttributes;
import io.grpc.xds.InternalXdsAttributes;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One gRPC call's telemetry: the {@link ClientObservation} started when the call starts (on the
 * caller's thread, so the caller's trace and baggage are its parent) and ended with the call's
 * status; and, as the call's stream tracer factory, one {@link AttemptObservation} per attempt,
 * started when the attempt gets a stream on a transport. That is the first moment the attempt's
 * cluster and endpoint are known, and the moment its headers can still be changed: the attempt's
 * {@code traceparent}, {@code tracestate} and {@code baggage} go into that attempt's headers.
 *
 * <p>What grpc-xds exposes per attempt: the endpoint ({@link Grpc#TRANSPORT_ATTR_REMOTE_ADDR}) and
 * the cluster, which grpc-xds writes into the subchannel's address attributes
 * ({@link InternalXdsAttributes#ATTR_CLUSTER_NAME}, reachable through the transport's
 * {@link GrpcAttributes#ATTR_CLIENT_EAG_ATTRS}). The route's name is not exposed.
 *
 * <p>Callbacks arrive on gRPC's threads; fields written by one and read by another are volatile.
 */
final class CallTelemetry extends ClientStreamTracer.Factory {
  private final MeshTelemetry telemetry;
  private final String service;
  private final String method;
  private volatile ClientObservation observation;
  private volatile String flag;

  CallTelemetry(MeshTelemetry telemetry, String service, String method) {
    this.telemetry = telemetry;
    this.service = service;
    this.method = method;
  }

  /** Starts the logical call; on the thread that starts it. */
  void start() {
    observation = telemetry.startClient("grpc", service, method, method);
  }

  /** An Envoy response flag for the call, e.g. {@code RL} when the mesh refused it locally. */
  void flag(String responseFlag) {
    flag = responseFlag;
  }

  /** Ends the logical call with its final status. */
  void end(Status status) {
    ClientObservation o = observation;
    if (o == null) {
      return;
    }
    // Only flags known for certain (RL). An UNAVAILABLE that never reached a transport may be a
    // missing listener or route (Envoy's NR), a cluster without endpoints (UH) or endpoints that
    // refuse connections (UF): grpc-xds's statuses do not tell these apart reliably.
    String f = flag;
    if (f != null) {
      o.flag(f);
    }
    o.end(GrpcStatusCodes.of(status), status.getCause());
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
    return new Attempt();
  }

  /** One attempt: its span starts when it gets a stream and ends when the stream closes. */
  private final class Attempt extends ClientStreamTracer {
    private volatile AttemptObservation attempt;

    @Override
    public void streamCreated(Attributes transportAttrs, Metadata headers) {
      ClientObservation o = observation;
      if (o == null) {
        return;
      }
      AttemptObservation a = o.attempt(cluster(transportAttrs), endpoint(transportAttrs));
      a.inject(headers, GrpcMetadataCarrier.INSTANCE);
      attempt = a;
    }

    @Override
    public void streamClosed(Status status) {
      AttemptObservation a = attempt;
      if (a == null) {
        ClientObservation o = observation;
        if (o == null) {
          return;
        }
        a = o.attempt(null, null); // never reached a transport (no endpoint picked, or cancelled first)
      }
      a.end(GrpcStatusCodes.of(status), status.getCause());
    }
  }

  static String cluster(Attributes transportAttrs) {
    Attributes eag = transportAttrs.get(GrpcAttributes.ATTR_CLIENT_EAG_ATTRS);
    return eag == null ? null : eag.get(InternalXdsAttributes.ATTR_CLUSTER_NAME);
  }

  // ip:port per remote address: a transport's address is one object for all its streams, and
  // formatting it (getHostAddress, concatenation) per attempt is most of what an attempt allocates
  // on our side. Cleared when it outgrows what a churning mesh would hold.
  private static final Map<SocketAddress, String> ENDPOINTS = new ConcurrentHashMap<>();

  static String endpoint(Attributes transportAttrs) {
    SocketAddress a = transportAttrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (a == null) {
      return null;
    }
    String e = ENDPOINTS.get(a);
    if (e == null) {
      e = format(a);
      if (ENDPOINTS.size() >= 4096) {
        ENDPOINTS.clear();
      }
      ENDPOINTS.put(a, e);
    }
    return e;
  }

  private static String format(SocketAddress a) {
    if (a instanceof InetSocketAddress in && in.getAddress() != null) {
      String host = in.getAddress().getHostAddress();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + in.getPort();
    }
    return a.toString();
  }
}
