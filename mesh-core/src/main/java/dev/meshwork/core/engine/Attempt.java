package dev.meshwork.core.engine;

import dev.meshwork.core.telemetry.AttemptObservation;
import java.io.IOException;
import java.time.Duration;

/**
 * What a transport does for the engine: send one try to one endpoint. The engine decides routes,
 * endpoints, retries, timeouts and rejections; the transport only moves bytes. Called on the
 * caller's thread; {@link #mirror} must not block.
 *
 * @param <R> the transport's response type
 */
public interface Attempt<R> {
  /**
   * Sends the request to {@code upstream}, giving up after {@code timeout} (zero: no limit).
   * Throw {@link java.net.ConnectException} when no connection could be made (the request was not
   * sent), {@link java.io.InterruptedIOException} on timeout, any other IOException for a reset.
   */
  R send(Upstream upstream, Duration timeout) throws IOException;

  /**
   * As {@link #send(Upstream, Duration)}, for an attempt the mesh observes: transports that can
   * carry headers write {@code observation}'s trace context into this attempt's request with
   * {@link AttemptObservation#inject} (W3C {@code traceparent} naming the attempt's span). The
   * engine starts and ends the observation; the transport must not end it. This is what the engine
   * calls; the default ignores the observation.
   */
  default R send(Upstream upstream, Duration timeout, AttemptObservation observation) throws IOException {
    return send(upstream, timeout);
  }

  /** HTTP status of a response (for a gRPC transport, the status mapped as Envoy maps it). */
  int status(R response);

  /** A response the engine will not return (it retries): release it. */
  void discard(R response);

  /** A response the mesh makes itself, e.g. an injected fault abort. */
  R synthesize(int httpStatus, String reason);

  /**
   * Sends a copy to {@code upstream} and ignores the answer (request mirroring). Mirrors are not
   * observed: no attempt span, no request metrics (Envoy's shadows are not in the caller's stats
   * either); the copy carries the caller's own headers only.
   */
  default void mirror(Upstream upstream) {}

  /**
   * Whether the caller has given up on the call (cancelled it, or its own deadline passed). Asked
   * after a failed attempt, and every few milliseconds of a fault delay or retry backoff: the
   * engine then stops, neither retrying nor counting the failure against the endpoint (outlier
   * detection), and flags the call {@code DC}, as Envoy does when the downstream goes away.
   */
  default boolean abandoned() {
    return false;
  }

  /** Whether the request can be sent more than once (its body can be replayed). */
  default boolean replayable() {
    return true;
  }
}
