package dev.meshwork.core.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;

/** One attempt of a {@link ClientObservation}: a child CLIENT span whose context travels with the request. */
public class AttemptObservation {
  static final AttemptObservation NOOP = new AttemptObservation(Span.getInvalid(), Context.root(), 0, "");

  private final Span span;
  private final Context callContext;
  private final int number;
  private final String protocol;

  AttemptObservation(Span span, Context callContext, int number, String protocol) {
    this.span = span;
    this.callContext = callContext;
    this.number = number;
    this.protocol = protocol;
  }

  /** 1 for the first attempt. */
  public int number() {
    return number;
  }

  /**
   * Writes this attempt's trace context and the logical call's baggage (the caller's, when the call
   * started) into the outgoing request. Safe on any thread: transports that send attempts from
   * their own threads (gRPC retries) need not make anything current.
   */
  public <C> void inject(C carrier, TextMapSetter<C> setter) {
    if (this != NOOP) {
      MeshTelemetry.PROPAGATOR.inject(callContext.with(span), carrier, setter);
    }
  }

  /**
   * Ends the attempt.
   *
   * @param code HTTP status, or numeric gRPC status; {@code "0"} when no response came
   * @param error the attempt's failure, or null
   */
  public void end(String code, Throwable error) {
    if (this != NOOP) {
      Spans.outcome(span, protocol, code, error, true);
      span.end();
    }
  }
}
