package dev.meshwork.spring;

import io.grpc.ManagedChannelBuilder;

/**
 * Customizes every mesh gRPC channel the starter builds for {@code @MeshClient} stubs
 * (interceptors, executors, message limits) before it is built. Declare as many beans as needed;
 * they run in {@code @Order} order, once per channel (one channel per service).
 */
@FunctionalInterface
public interface MeshChannelCustomizer {
  /**
   * @param service the mesh service the channel goes to, e.g. {@code ratings}
   * @param builder the channel's builder, target {@code xds:///<service>}
   */
  void customize(String service, ManagedChannelBuilder<?> builder);
}
