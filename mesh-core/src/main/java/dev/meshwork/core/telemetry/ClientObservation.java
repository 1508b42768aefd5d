package dev.meshwork.core.telemetry;

import dev.meshwork.core.internal.telemetry.AccessLog;
import dev.meshwork.core.internal.telemetry.CallRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One logical outbound call: a CLIENT span, its attempts as child CLIENT spans, and on
 * {@link #end} the request metrics and (when on) an access log line. Attempts may run on other
 * threads (gRPC); the setters are last-writer-wins and meant to be called before {@code end}.
 */
public class ClientObservation {
  static final ClientObservation NOOP = new ClientObservation();
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("meshwork.route");
  static final AttributeKey<String> CLUSTER = AttributeKey.stringKey("meshwork.cluster");
  static final AttributeKey<String> SUBSET = AttributeKey.stringKey("meshwork.subset");
  static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("meshwork.attempts");
  static final AttributeKey<String> FAULT = AttributeKey.stringKey("meshwork.fault_injected");
  static final AttributeKey<String> FLAGS = AttributeKey.stringKey("meshwork.response_flags");

  private final MeshTelemetry telemetry;
  final String protocol;
  final String destination;
  final String method;
  final String target;
  private final long start;
  private final Span span;
  private final Context context;
  private final AtomicLong active;
  private final AtomicInteger attempts = new AtomicInteger();
  private volatile String route = "";
  private volatile String cluster = "";
  private volatile String endpoint = "";
  private volatile String flags = "-";

  private ClientObservation() {
    telemetry = null;
    protocol = destination = method = target = "";
    start = 0;
    span = Span.getInvalid();
    context = Context.root();
    active = null;
  }

  ClientObservation(MeshTelemetry telemetry, String protocol, String destination, String method, String target,
      Context parent) {
    this.telemetry = telemetry;
    this.protocol = protocol;
    this.destination = destination;
    this.method = method;
    this.target = target;
    this.start = System.nanoTime();
    this.span = Spans.client(telemetry.tracer(), protocol, destination, method, target, parent);
    this.context = parent.with(span);
    this.active = telemetry.active(true, protocol, destination);
    active.incrementAndGet();
  }

  /** The shared observation that records nothing (what a disabled {@link MeshTelemetry} hands out). */
  public static ClientObservation noop() {
    return NOOP;
  }

  /** False for the no-op observation: callers may skip work done only to describe the call. */
  public boolean isRecording() {
    return telemetry != null;
  }

  /** The response flags set so far ({@code -} for none). */
  public String responseFlags() {
    return flags;
  }

  /** The logical call's context (its span current), for work done on the call's behalf. */
  public Context context() {
    return context;
  }

  /** The route the mesh chose and the cluster it points at ({@code outbound|port|subset|host}). */
  public void route(String routeName, String clusterName) {
    if (telemetry == null) {
      return;
    }
    route = routeName == null ? "" : routeName;
    cluster = clusterName == null ? "" : clusterName;
    span.setAttribute(ROUTE, route);
    span.setAttribute(CLUSTER, cluster);
    span.setAttribute(SUBSET, subsetOf(cluster));
  }

  /** An injected fault ({@code delay} or {@code abort}) applied to this call. */
  public void fault(String kind) {
    if (telemetry != null) {
      span.setAttribute(FAULT, kind);
      if (kind.equals("abort")) {
        flags = "FI";
      } else if (flags.equals("-")) {
        flags = "DI";
      }
    }
  }

  /** Envoy/Istio response flag for the call's fate, e.g. {@code UO} (circuit open), {@code NR}, {@code UH}, {@code RL}. */
  public void flag(String responseFlag) {
    if (telemetry != null) {
      flags = responseFlag;
    }
  }

  /** Starts the next attempt, to {@code endpoint} ({@code ip:port}) of {@code clusterName}. */
  public AttemptObservation attempt(String clusterName, String endpoint) {
    if (telemetry == null) {
      return AttemptObservation.NOOP;
    }
    int n = attempts.incrementAndGet();
    this.endpoint = endpoint == null ? "" : endpoint;
    if (clusterName != null && !clusterName.equals(cluster)) {
      cluster = clusterName;
      span.setAttribute(CLUSTER, cluster);
      span.setAttribute(SUBSET, subsetOf(cluster));
    }
    Span attempt = Spans.attempt(telemetry.tracer(), this, n, clusterName, endpoint, context);
    return new AttemptObservation(attempt, context.with(attempt), n, protocol);
  }

  /**
   * Ends the call: records metrics, ends the span, writes the access log line.
   *
   * @param code HTTP status, or numeric gRPC status; {@code "0"} when no response came
   * @param error the failure, or null
   */
  public void end(String code, Throwable error) {
    if (telemetry == null) {
      return;
    }
    active.decrementAndGet();
    long duration = System.nanoTime() - start;
    int n = Math.max(1, attempts.get());
    span.setAttribute(ATTEMPTS, (long) n);
    if (!flags.equals("-")) {
      span.setAttribute(FLAGS, flags);
    }
    Spans.outcome(span, protocol, code, error, true);
    span.end();
    String ns = telemetry.settings.namespace();
    CallRecord r = new CallRecord(true, protocol, telemetry.settings.service(), ns, destination,
        telemetry.namespaceOf(destination), method, target, route, cluster, subsetOf(cluster), endpoint, n, code, flags,
        error == null ? "" : error.getClass().getSimpleName(), false, "", duration,
        span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : "");
    telemetry.meters.record(r);
    if (telemetry.options.accessLog()) {
      AccessLog.write(r);
    }
  }

  /** {@code v2} of {@code outbound|80|v2|reviews}; empty without a subset. */
  static String subsetOf(String cluster) {
    if (!cluster.startsWith("outbound|")) {
      return "";
    }
    int a = cluster.indexOf('|', 9);
    int b = a < 0 ? -1 : cluster.indexOf('|', a + 1);
    return b < 0 ? "" : cluster.substring(a + 1, b);
  }

}
