package dev.meshwork.grpc;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.XdsBootstrap;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.xds.XdsNameResolverProvider;
import java.util.Objects;

/**
 * gRPC channels routed by the mesh. Each channel is a real grpc-xds {@code xds:///<service>}
 * channel: routes, clusters, endpoints and policies come from the control plane over ADS. The
 * xDS bootstrap is generated in process from {@link MeshSettings}: no file, no environment
 * variable, and two meshes (or two test control planes) can live in one JVM.
 *
 * <p>Thread-safe. Channels are the caller's to shut down.
 */
public final class MeshChannels {
  private MeshChannels() {}

  /** A channel to {@code service}, e.g. {@code MeshChannels.forService(settings, "reviews")}. */
  public static ManagedChannel forService(MeshSettings settings, String service) {
    return builderForService(settings, service).build();
  }

  /**
   * A builder for a channel to {@code service}, to add interceptors, executors and the like.
   * Plaintext for now: mTLS arrives with the identity work.
   */
  public static ManagedChannelBuilder<?> builderForService(MeshSettings settings, String service) {
    return builderForService(settings, service, InsecureChannelCredentials.create());
  }

  /** As {@link #builderForService(MeshSettings, String)} with the given credentials. */
  @SuppressWarnings("deprecation") // nameResolverFactory is the one per-channel hook for a resolver instance
  public static ManagedChannelBuilder<?> builderForService(MeshSettings settings, String service,
      ChannelCredentials credentials) {
    Objects.requireNonNull(settings, "settings");
    if (service == null || service.isBlank() || service.contains("/")) {
      throw new IllegalArgumentException("service: \"" + service + "\" (expected: a service host name such as reviews)");
    }
    // A resolver provider carrying its own bootstrap gives this channel its own xDS client,
    // instead of grpc-xds's process-wide one that reads GRPC_XDS_BOOTSTRAP.
    XdsNameResolverProvider provider = XdsNameResolverProvider.createForTest("xds", XdsBootstrap.of(settings));
    return Grpc.newChannelBuilder("xds:///" + service, credentials).nameResolverFactory(provider);
  }
}
