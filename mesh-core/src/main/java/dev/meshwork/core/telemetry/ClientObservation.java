package dev.meshwork.core.telemetry;

import dev.meshwork.core.engine.Upstream;
import dev.meshwork.core.internal.telemetry.AccessLog;
import dev.meshwork.core.internal.telemetry.CallRecord;
import dev.meshwork.core.internal.telemetry.ResponseFlagSet;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

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

  private static final AtomicIntegerFieldUpdater<ClientObservation> ATTEMPTS_UPDATER =
      AtomicIntegerFieldUpdater.newUpdater(ClientObservation.class, "attempts");
  private static final AtomicIntegerFieldUpdater<ClientObservation> FLAGS_UPDATER =
      AtomicIntegerFieldUpdater.newUpdater(ClientObservation.class, "flags");
  private static final int DI = ResponseFlagSet.bit("DI");
  private static final int FI = ResponseFlagSet.bit("FI");

  private final MeshTelemetry telemetry;
  final String protocol;
  final String destination;
  final String method;
  final String target;
  private final long start;
  private final Span span;
  private final Context context;
  private final LongAdder active;
  // Through ATTEMPTS_UPDATER: an AtomicInteger would be one more object per call.
  private volatile int attempts;
  private volatile String route = "";
  private volatile String cluster = "";
  // The last attempt's endpoint: the String given, or the Upstream it is formatted from only when
  // needed (endpoint tags, access log), which saves a concatenation per attempt.
  private volatile Object endpoint = "";
  // Envoy response flags set so far (ResponseFlagSet bits): a call can collect several, e.g. UF,URX.
  private volatile int flags;

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
    this.span = Spans.client(telemetry.tracer(), protocol, destination, method, target, parent,
        telemetry.options.samplerAttributes());
    this.context = parent.with(span);
    this.active = telemetry.active(true, protocol, destination);
    active.increment();
  }

  /** The shared observation that records nothing (what a disabled {@link MeshTelemetry} hands out). */
  public static ClientObservation noop() {
    return NOOP;
  }

  /** False for the no-op observation: callers may skip work done only to describe the call. */
  public boolean isRecording() {
    return telemetry != null;
  }

  /** The response flags set so far, as Envoy formats them: {@code -} for none, else e.g. {@code UF,URX}. */
  public String responseFlags() {
    return ResponseFlagSet.format(flags);
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
    if (span.isRecording()) { // a sampled-out span drops attributes: skip deriving them
      span.setAttribute(ROUTE, route);
      span.setAttribute(CLUSTER, cluster);
      span.setAttribute(SUBSET, telemetry.subsetOf(cluster));
    }
  }

  /** An injected fault ({@code delay} or {@code abort}) applied to this call. */
  public void fault(String kind) {
    if (telemetry != null) {
      span.setAttribute(FAULT, kind);
      add(kind.equals("abort") ? FI : DI);
    }
  }

  /**
   * Adds an Envoy/Istio response flag for the call's fate, e.g. {@code UO} (circuit open),
   * {@code NR}, {@code UH}, {@code RL}. A call may collect several (a delay injected, then the
   * caller gone: {@code DI,DC}); they are reported in Envoy's order.
   *
   * @throws IllegalArgumentException if {@code responseFlag} is not one of Envoy's short names
   */
  public void flag(String responseFlag) {
    if (telemetry != null) {
      add(ResponseFlagSet.bit(responseFlag));
    }
  }

  private void add(int bit) {
    int f;
    do {
      f = flags;
    } while ((f & bit) == 0 && !FLAGS_UPDATER.compareAndSet(this, f, f | bit));
  }

  /** Starts the next attempt, to {@code endpoint} ({@code ip:port}) of {@code clusterName}. */
  public AttemptObservation attempt(String clusterName, String endpoint) {
    if (telemetry == null) {
      return AttemptObservation.NOOP;
    }
    String ep = endpoint == null ? "" : endpoint;
    this.endpoint = ep;
    return attempt(clusterName, ep, null);
  }

  /**
   * Starts the next attempt, to {@code upstream}: as {@link #attempt(String, String)} with its
   * cluster and {@code hostPort()}, the latter formatted only if something records it.
   */
  public AttemptObservation attempt(Upstream upstream) {
    if (telemetry == null) {
      return AttemptObservation.NOOP;
    }
    this.endpoint = upstream;
    return attempt(upstream.cluster(), null, upstream);
  }

  private AttemptObservation attempt(String clusterName, String endpoint, Upstream upstream) {
    int n = ATTEMPTS_UPDATER.incrementAndGet(this);
    if (clusterName != null && !clusterName.equals(cluster)) {
      cluster = clusterName;
      if (span.isRecording()) {
        span.setAttribute(CLUSTER, cluster);
        span.setAttribute(SUBSET, telemetry.subsetOf(cluster));
      }
    }
    if (!span.isRecording()) {
      // The trace was decided when the call started: as in Envoy, one decision per request. The
      // attempt carries the call's span context (sampled out) on the wire and records nothing; a
      // child span here would only be dropped by the SDK's parent-based sampler.
      return new AttemptObservation(context, n, protocol);
    }
    String c = clusterName == null ? "" : clusterName;
    Span attempt = Spans.attempt(telemetry.tracer(), this, n, c, endpoint, upstream, context);
    return new AttemptObservation(attempt, context, n, protocol);
  }

  /** {@code v2} of cluster {@code outbound|80|v2|reviews} (remembered per name). */
  String subset(String clusterName) {
    return telemetry.subsetOf(clusterName);
  }

  /** The last attempt's endpoint ({@code ip:port}), empty before the first. */
  private String endpoint() {
    Object e = endpoint;
    return e instanceof Upstream u ? u.hostPort() : (String) e;
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
    active.decrement();
    long duration = System.nanoTime() - start;
    int n = Math.max(1, attempts);
    if (span.isRecording()) {
      span.setAttribute(ATTEMPTS, (long) n);
      if (flags != 0) {
        span.setAttribute(FLAGS, ResponseFlagSet.format(flags));
      }
    }
    Spans.outcome(span, protocol, code, error, true);
    span.end();
    // The call's values go to the meters as they are: no record is built unless the access log wants one.
    String ns = telemetry.settings.namespace();
    String service = telemetry.settings.service();
    String destinationNamespace = telemetry.namespaceOf(destination);
    String route = this.route;
    String cluster = this.cluster;
    String subset = telemetry.subsetOf(cluster);
    String flags = ResponseFlagSet.format(this.flags);
    String errorType = error == null ? "" : error.getClass().getSimpleName();
    boolean accessLog = telemetry.options.accessLog();
    String endpoint = accessLog || telemetry.options.endpointTags() ? endpoint() : "";
    telemetry.meters.record(true, protocol, method, code, errorType, service, ns, destination, destinationNamespace,
        route, subset, n > 1, flags, endpoint, false, "", duration);
    if (accessLog) {
      AccessLog.write(new CallRecord(true, protocol, service, ns, destination, destinationNamespace, method, target,
          route, cluster, subset, endpoint, n, code, flags, errorType, false, "", duration,
          span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : ""));
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
