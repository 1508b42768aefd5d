package dev.meshwork.core.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * One attempt of a {@link ClientObservation}: a child CLIENT span whose context travels with the
 * request. Used by one thread at a time (the one sending the attempt); {@link #end} once.
 */
public class AttemptObservation {
  static final AttemptObservation NOOP = new AttemptObservation(Span.getInvalid(), Context.root(), 0, "");

  private final Span span; // null: the call's (sampled-out) span stands for the attempt
  private final Context parent;
  // parent.with(span), made on first use: a transport that neither injects nor asks for it (no
  // trace headers to write) saves the context's two objects per attempt.
  private Context context;
  private final int number;
  private final String protocol;

  /** @param parent the call's context, which the attempt's span is a child of */
  AttemptObservation(Span span, Context parent, int number, String protocol) {
    this.span = span;
    this.parent = parent;
    this.number = number;
    this.protocol = protocol;
  }

  /** An attempt of a sampled-out call: no span of its own, the call's context travels with it. */
  AttemptObservation(Context callContext, int number, String protocol) {
    this(null, callContext, number, protocol);
    this.context = callContext;
  }

  /** The shared observation that records and injects nothing. */
  public static AttemptObservation noop() {
    return NOOP;
  }

  /** False for the no-op observation. */
  public boolean isRecording() {
    return this != NOOP;
  }

  /** This attempt's context: its span, under the logical call's span and the caller's baggage. */
  public Context context() {
    Context c = context;
    if (c == null) {
      c = this == NOOP ? parent : parent.with(span);
      context = c;
    }
    return c;
  }

  /** 1 for the first attempt. */
  public int number() {
    return number;
  }

  /**
   * Writes this attempt's trace context ({@code traceparent} naming the attempt's span, or the
   * call's when the call is sampled out, {@code tracestate}) and the baggage current when the call started into the outgoing request.
   */
  public <C> void inject(C carrier, TextMapSetter<C> setter) {
    if (this != NOOP) {
      MeshTelemetry.PROPAGATOR.inject(context(), carrier, setter);
    }
  }

  /**
   * Ends the attempt.
   *
   * @param code HTTP status, or numeric gRPC status; {@code "0"} when no response came
   * @param error the attempt's failure, or null
   */
  public void end(String code, Throwable error) {
    if (this != NOOP && span != null) {
      Spans.outcome(span, protocol, code, error, true);
      span.end();
    }
  }
}
