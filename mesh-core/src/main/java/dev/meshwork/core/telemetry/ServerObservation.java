package dev.meshwork.core.telemetry;

import dev.meshwork.core.internal.telemetry.AccessLog;
import dev.meshwork.core.internal.telemetry.CallRecord;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.LongAdder;

/** One inbound call: a SERVER span continuing the caller's trace, request metrics and access log on {@link #end}. */
public class ServerObservation {
  static final ServerObservation NOOP = new ServerObservation();

  private final MeshTelemetry telemetry;
  private final String protocol;
  private final String method;
  private final String target;
  private final String peer;
  private final long start;
  private final Span span;
  private final Context context;
  private final LongAdder active;

  private ServerObservation() {
    telemetry = null;
    protocol = method = target = "";
    peer = null;
    start = 0;
    span = Span.getInvalid();
    context = Context.root();
    active = null;
  }

  ServerObservation(MeshTelemetry telemetry, String protocol, String method, String target, Context parent,
      String peer) {
    this.telemetry = telemetry;
    this.protocol = protocol;
    this.method = method;
    this.target = target;
    this.peer = peer;
    this.start = System.nanoTime();
    this.span = Spans.server(telemetry.tracer(), protocol, method, target, parent, peer,
        telemetry.options.samplerAttributes());
    this.context = parent.with(span);
    this.active = telemetry.active(false, protocol, telemetry.settings.service());
    active.increment();
  }

  /** The context to make current while handling the call (the server span and the caller's baggage). */
  public Context context() {
    return context;
  }

  /**
   * Ends the call.
   *
   * @param code HTTP status, or numeric gRPC status
   * @param error the failure, or null
   */
  public void end(String code, Throwable error) {
    if (telemetry == null) {
      return;
    }
    active.decrement();
    long duration = System.nanoTime() - start;
    Spans.outcome(span, protocol, code, error, false);
    span.end();
    MeshTelemetry.Caller caller = telemetry.callerOf(peer);
    String self = telemetry.settings.service();
    String ns = telemetry.settings.namespace();
    String errorType = error == null ? "" : error.getClass().getSimpleName();
    String principal = peer == null ? "" : peer;
    telemetry.meters.record(false, protocol, method, code, errorType, caller.service(), caller.namespace(), self, ns,
        "", "", false, "-", "", peer != null, principal, duration);
    if (telemetry.options.accessLog()) {
      AccessLog.write(new CallRecord(false, protocol, caller.service(), caller.namespace(), self, ns, method, target,
          "", "", "", "", 1, code, "-", errorType, peer != null, principal, duration,
          span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : ""));
    }
  }
}
