package dev.meshwork.controlplane.internal.xds;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.controlplane.server.serializer.ProtoResourcesSerializer;

/**
 * Packs each resource instance into an {@link Any} once, however many streams it is sent to.
 * java-control-plane's default serializer packs (serializes) every resource again for every
 * response, so a snapshot pushed to N clients serialized the same messages N times on the publish
 * thread. Resources are immutable and a snapshot's instances are shared by every response built
 * from it, so the cache is keyed by identity (weak keys): an entry lives as long as the snapshot
 * (or anything else) holds its message. Unlike java-control-plane's {@code
 * CachedProtoResourcesSerializer} the cache belongs to one control plane, not the JVM, and it
 * neither hashes nor compares message contents. Thread-safe.
 */
public final class ResourceSerializer implements ProtoResourcesSerializer {
  private final Cache<Message, Any> packed = CacheBuilder.newBuilder().weakKeys().build();

  @Override
  public Any serialize(Message resource, ApiVersion apiVersion) {
    Any any = packed.getIfPresent(resource);
    if (any == null) {
      // Two streams racing on a new resource may both pack it: same bytes, harmless.
      any = Any.pack(resource);
      packed.put(resource, any);
    }
    return any;
  }

  /** Resources packed and still held (for tests). */
  long size() {
    packed.cleanUp();
    return packed.size();
  }
}
