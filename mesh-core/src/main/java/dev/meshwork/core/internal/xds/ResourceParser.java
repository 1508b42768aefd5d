package dev.meshwork.core.internal.xds;

/**
 * Turns one xDS resource of a type into the engine's immutable model. Stateless and thread-safe;
 * called by the xDS client on its serializing executor for every resource in a response.
 *
 * @param <T> the model type produced
 */
public interface ResourceParser<T> {
  /** The resource type URL, e.g. {@code type.googleapis.com/envoy.config.cluster.v3.Cluster}. */
  String typeUrl();

  /** The proto class an {@code Any} of {@link #typeUrl()} unpacks to. */
  Class<? extends com.google.protobuf.Message> protoClass();

  /** The resource's name (what watchers subscribe to). */
  String name(com.google.protobuf.Message resource);

  /**
   * Validates and converts a resource.
   *
   * @throws InvalidResourceException with a message naming the resource and the field, used as
   *     the NACK's error detail
   */
  T parse(com.google.protobuf.Message resource) throws InvalidResourceException;
}
