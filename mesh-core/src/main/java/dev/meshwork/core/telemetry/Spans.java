package dev.meshwork.core.telemetry;

import dev.meshwork.core.engine.Upstream;
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

  /**
   * A logical call's CLIENT span. With {@code samplerAttributes} the attributes go on the builder,
   * where samplers and span processors' {@code onStart} see them; without, a recording span gets
   * them right after start and a sampled-out one never (the SDK's ~430 B attribute map per builder
   * is what a sampled-out span would otherwise cost).
   */
  static Span client(Tracer tracer, String protocol, String destination, String method, String target, Context parent,
      boolean samplerAttributes) {
    SpanBuilder b = tracer.spanBuilder(name(protocol, method)).setSpanKind(SpanKind.CLIENT).setParent(parent);
    if (samplerAttributes) {
      b.setAttribute(SERVER_ADDRESS, destination);
      describe(b, null, protocol, method, target);
      return b.startSpan();
    }
    Span span = b.startSpan();
    if (span.isRecording()) {
      span.setAttribute(SERVER_ADDRESS, destination);
      describe(null, span, protocol, method, target);
    }
    return span;
  }

  /**
   * An attempt's span, under a recording call span (a sampled-out call has no attempt spans: see
   * {@link ClientObservation}). Its attributes go on the builder, as samplers and span processors'
   * {@code onStart} see them: the call records, so the map is not built for nothing.
   *
   * @param endpoint {@code ip:port}, or null when {@code upstream} gives it
   */
  static Span attempt(Tracer tracer, ClientObservation call, int n, String cluster, String endpoint, Upstream upstream,
      Context parent) {
    SpanBuilder b = tracer.spanBuilder(name(call.protocol, call.method)).setSpanKind(SpanKind.CLIENT).setParent(parent);
    describeAttempt(b, null, call, n, cluster, endpoint, upstream);
    return b.startSpan();
  }

  /** Sets an attribute on the builder {@code b}, or when that is null on the started span {@code s}. */
  private static <T> void put(SpanBuilder b, Span s, AttributeKey<T> key, T value) {
    if (b != null) {
      b.setAttribute(key, value);
    } else {
      s.setAttribute(key, value);
    }
  }

  private static void describeAttempt(SpanBuilder b, Span s, ClientObservation call, int n, String cluster,
      String endpoint, Upstream upstream) {
    put(b, s, SERVER_ADDRESS, call.destination);
    put(b, s, ATTEMPT, (long) n);
    put(b, s, ClientObservation.CLUSTER, cluster);
    put(b, s, ClientObservation.SUBSET, call.subset(cluster));
    if (n > 1 && !call.protocol.equals("grpc")) {
      put(b, s, RESEND_COUNT, (long) (n - 1));
    }
    if (upstream != null) {
      put(b, s, ENDPOINT, upstream.hostPort());
      put(b, s, PEER_ADDRESS, upstream.ip());
      put(b, s, PEER_PORT, (long) upstream.port());
    } else if (endpoint != null && !endpoint.isEmpty()) {
      put(b, s, ENDPOINT, endpoint);
      int colon = endpoint.lastIndexOf(':');
      if (colon > 0) {
        put(b, s, PEER_ADDRESS, endpoint.substring(0, colon).replace("[", "").replace("]", ""));
        try {
          put(b, s, PEER_PORT, Long.parseLong(endpoint.substring(colon + 1)));
        } catch (NumberFormatException ignored) {
          // not ip:port; the endpoint attribute says what it is
        }
      }
    }
    describe(b, s, call.protocol, call.method, call.target);
  }

  /** A SERVER span; attributes as {@link #client} gives them. */
  static Span server(Tracer tracer, String protocol, String method, String target, Context parent, String peer,
      boolean samplerAttributes) {
    SpanBuilder b = tracer.spanBuilder(name(protocol, method)).setSpanKind(SpanKind.SERVER).setParent(parent);
    if (samplerAttributes) {
      if (peer != null) {
        b.setAttribute(PEER_PRINCIPAL, peer);
      }
      describe(b, null, protocol, method, target);
      return b.startSpan();
    }
    Span span = b.startSpan();
    if (span.isRecording()) {
      if (peer != null) {
        span.setAttribute(PEER_PRINCIPAL, peer);
      }
      describe(null, span, protocol, method, target);
    }
    return span;
  }

  /** HTTP: {@code GET}; gRPC: {@code pkg.Service/Method}, as the conventions name spans. */
  private static String name(String protocol, String method) {
    return method;
  }

  private static void describe(SpanBuilder b, Span s, String protocol, String method, String target) {
    if (protocol.equals("grpc")) {
      int slash = method.lastIndexOf('/');
      put(b, s, RPC_SYSTEM, "grpc");
      put(b, s, RPC_SERVICE, slash < 0 ? method : method.substring(0, slash));
      put(b, s, RPC_METHOD, slash < 0 ? "" : method.substring(slash + 1));
    } else {
      int q = target.indexOf('?');
      put(b, s, HTTP_METHOD, method);
      put(b, s, URL_PATH, q < 0 ? target : target.substring(0, q));
    }
  }

  /** Status attributes and span status per the conventions: HTTP 4xx/5xx fail a client span, 5xx a server span; gRPC non-OK fails both. */
  static void outcome(Span span, String protocol, String code, Throwable error, boolean client) {
    if (!span.isRecording()) {
      return; // a sampled-out span drops all of this: skip parsing and boxing
    }
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
