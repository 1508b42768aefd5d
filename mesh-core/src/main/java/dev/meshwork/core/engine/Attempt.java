package dev.meshwork.core.engine;

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

  /** HTTP status of a response (for a gRPC transport, the status mapped as Envoy maps it). */
  int status(R response);

  /** A response the engine will not return (it retries): release it. */
  void discard(R response);

  /** A response the mesh makes itself, e.g. an injected fault abort. */
  R synthesize(int httpStatus, String reason);

  /** Sends a copy to {@code upstream} and ignores the answer (request mirroring). */
  default void mirror(Upstream upstream) {}

  /** Whether the request can be sent more than once (its body can be replayed). */
  default boolean replayable() {
    return true;
  }
}
