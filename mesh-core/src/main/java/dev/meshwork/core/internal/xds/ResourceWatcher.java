package dev.meshwork.core.internal.xds;

/**
 * Receives one resource's updates from {@link XdsClient}. Callbacks run on the executor given in
 * {@link XdsClientConfig#watcherExecutor()}; pass a serial executor if callback order matters.
 * Exceptions thrown by a callback are caught and logged, never propagated into the client.
 *
 * @param <T> the parsed value type of the watched resource type
 */
public interface ResourceWatcher<T> {
  /** A new value (only when it differs from the previous one), or the cached value on subscribe. */
  void onChanged(T resource);

  /** The control plane says the resource does not exist, or it never arrived in time. */
  void onDoesNotExist(String name);

  /**
   * Something went wrong that does not invalidate the last value delivered (connection trouble, a
   * rejected update); keep using the last good value.
   */
  void onAmbientError(String message);
}
