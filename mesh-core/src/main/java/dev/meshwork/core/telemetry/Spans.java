package dev.meshwork.core.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/** Span names and attributes after OpenTelemetry's HTTP and RPC semantic conventions, plus Meshwork's. */
final class Spans {
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
  static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<Long> GRPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("meshwork.attempt");
  static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("meshwork.endpoint");
  static final AttributeKey<String> PEER_PRINCIPAL = AttributeKey.stringKey("meshwork.peer.principal");

  private Spans() {}

  static Span client(Tracer tracer, String protocol, String destination, String method, String target, Context parent) {
    SpanBuilder b = tracer.spanBuilder(name(protocol, method)).setSpanKind(SpanKind.CLIENT).setParent(parent)
        .setAttribute(SERVER_ADDRESS, destination);
    describe(b, protocol, method, target);
    return b.startSpan();
  }

  static Span attempt(Tracer tracer, ClientObservation call, int n, String cluster, String endpoint, Context parent) {
    SpanBuilder b = tracer.spanBuilder(name(call.protocol, call.method)).setSpanKind(SpanKind.CLIENT).setParent(parent)
        .setAttribute(SERVER_ADDRESS, call.destination)
        .setAttribute(ATTEMPT, (long) n)
        .setAttribute(ClientObservation.CLUSTER, cluster == null ? "" : cluster)
        .setAttribute(ClientObservation.SUBSET, ClientObservation.subsetOf(cluster == null ? "" : cluster));
    if (n > 1 && !call.protocol.equals("grpc")) {
      b.setAttribute(RESEND_COUNT, (long) (n - 1));
    }
    if (endpoint != null && !endpoint.isEmpty()) {
      b.setAttribute(ENDPOINT, endpoint);
      int colon = endpoint.lastIndexOf(':');
      if (colon > 0) {
        b.setAttribute(PEER_ADDRESS, endpoint.substring(0, colon).replace("[", "").replace("]", ""));
        try {
          b.setAttribute(PEER_PORT, Long.parseLong(endpoint.substring(colon + 1)));
        } catch (NumberFormatException ignored) {
          // not ip:port; the endpoint attribute says what it is
        }
      }
    }
    describe(b, call.protocol, call.method, call.target);
    return b.startSpan();
  }

  static Span server(Tracer tracer, String protocol, String method, String target, Context parent, String peer) {
    SpanBuilder b = tracer.spanBuilder(name(protocol, method)).setSpanKind(SpanKind.SERVER).setParent(parent);
    if (peer != null) {
      b.setAttribute(PEER_PRINCIPAL, peer);
    }
    describe(b, protocol, method, target);
    return b.startSpan();
  }

  /** HTTP: {@code GET}; gRPC: {@code pkg.Service/Method}, as the conventions name spans. */
  private static String name(String protocol, String method) {
    return method;
  }

  private static void describe(SpanBuilder b, String protocol, String method, String target) {
    if (protocol.equals("grpc")) {
      int slash = method.lastIndexOf('/');
      b.setAttribute(RPC_SYSTEM, "grpc")
          .setAttribute(RPC_SERVICE, slash < 0 ? method : method.substring(0, slash))
          .setAttribute(RPC_METHOD, slash < 0 ? "" : method.substring(slash + 1));
    } else {
      int q = target.indexOf('?');
      b.setAttribute(HTTP_METHOD, method).setAttribute(URL_PATH, q < 0 ? target : target.substring(0, q));
    }
  }

  /** Status attributes and span status per the conventions: HTTP 4xx/5xx fail a client span, 5xx a server span; gRPC non-OK fails both. */
  static void outcome(Span span, String protocol, String code, Throwable error, boolean client) {
    long c;
    try {
      c = Long.parseLong(code);
    } catch (NumberFormatException e) {
      c = 0;
    }
    boolean failed;
    if (protocol.equals("grpc")) {
      span.setAttribute(GRPC_STATUS, c);
      failed = c != 0;
    } else {
      if (c > 0) {
        span.setAttribute(HTTP_STATUS, c);
      }
      failed = c == 0 || c >= (client ? 400 : 500);
    }
    if (error != null) {
      span.setAttribute(ERROR_TYPE, error.getClass().getName());
      span.recordException(error);
    } else if (failed && c > 0) {
      span.setAttribute(ERROR_TYPE, Long.toString(c));
    }
    if (failed || error != null) {
      span.setStatus(StatusCode.ERROR);
    }
  }
}
