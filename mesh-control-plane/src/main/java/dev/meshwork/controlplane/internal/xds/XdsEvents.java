package dev.meshwork.controlplane.internal.xds;

/**
 * What {@link ClientTracker} sees happen on xDS streams, for metrics. Called on gRPC threads,
 * possibly under a stream's monitor: implementations must be quick and take no lock that a
 * publisher could hold while waiting on a stream.
 */
public interface XdsEvents {
  /** Nothing listens. */
  XdsEvents NONE = new XdsEvents() {};

  /** A response of {@code typeUrl} at {@code version} was sent on a stream. */
  default void responseSent(long streamId, String typeUrl, String version, boolean delta) {}

  /** The client ACKed {@code version} (the version last sent on that stream for that type). */
  default void acked(long streamId, String typeUrl, String version) {}

  /** The client NACKed {@code version}; it keeps its previous one. */
  default void nacked(long streamId, String typeUrl, String version) {}

  /** The stream ended, normally or not. */
  default void streamClosed(long streamId) {}
}
