package dev.meshwork.core.internal.xds;

import com.google.protobuf.Message;

/**
 * Turns one xDS resource type's protos into immutable values, once per update. Implementations are
 * stateless and called only on the xDS client's serializing context, so they need no locking.
 *
 * @param <T> the parsed, immutable value handed to {@link ResourceWatcher}s
 */
public interface ResourceParser<T> {
  /** The resource type, e.g. {@link TypeUrls#LISTENER}. */
  String typeUrl();

  /** The proto class packed in the response's {@code Any}s, e.g. {@code Listener.class}. */
  Class<? extends Message> protoClass();

  /** The resource's name (what watchers subscribe to), read from an unpacked resource. */
  String name(Message resource);

  /**
   * Validates and converts one resource. Never returns null.
   *
   * @throws InvalidResourceException whose message names the resource, the field and why; it is
   *     sent to the control plane in the NACK and the previous value stays in use
   */
  T parse(Message resource) throws InvalidResourceException;
}
