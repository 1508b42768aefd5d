package dev.meshwork.grpc;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.grpc.internal.LeasedChannel;
import dev.meshwork.grpc.internal.MeshXdsClients;
import dev.meshwork.grpc.internal.RateLimitInterceptor;
import dev.meshwork.grpc.internal.SharedMeshes;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.xds.XdsChannelCredentials;
import io.grpc.xds.XdsNameResolverProvider;
import dev.meshwork.core.identity.MeshIdentity;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * gRPC channels routed by the mesh. Each channel is a real grpc-xds {@code xds:///<service>}
 * channel: routes, clusters, endpoints and policies come from the control plane over ADS. The
 * xDS bootstrap is generated in process from {@link MeshSettings}: no file, no environment
 * variable, and two meshes (or two test control planes) can live in one JVM. Channels made from
 * equal settings share one xDS client (one ADS stream). Local rate limits, which grpc-xds does not
 * implement, are applied by mesh-core's engine (a second, shared stream to the same control plane)
 * and fail a call with UNAVAILABLE before anything is sent.
 *
 * <p>Thread-safe. Channels are the caller's to shut down; shutting down the last channel of a
 * settings closes its xDS client.
 */
public final class MeshChannels {
  private MeshChannels() {}

  /**
   * A channel to {@code service}, e.g. {@code MeshChannels.forService(settings, "reviews")}, with
   * {@link #meshCredentials()}: mTLS where the control plane's cluster says so (with the workload's
   * certificate when the settings carry a join token), plaintext elsewhere.
   */
  public static ManagedChannel forService(MeshSettings settings, String service) {
    return forService(settings, service, meshCredentials(), b -> {});
  }

  /**
   * grpc-xds's {@code XdsChannelCredentials} falling back to plaintext: each cluster's
   * UpstreamTlsContext decides, using the certificate provider of the generated bootstrap.
   */
  public static ChannelCredentials meshCredentials() {
    return XdsChannelCredentials.create(InsecureChannelCredentials.create());
  }

  /**
   * A channel to {@code service} with the given credentials; {@code customizer} may add
   * interceptors, executors and the like to the builder before it is built. Credentials other than
   * {@link #meshCredentials()} ignore the clusters' TLS settings.
   */
  public static ManagedChannel forService(MeshSettings settings, String service, ChannelCredentials credentials,
      Consumer<ManagedChannelBuilder<?>> customizer) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(customizer, "customizer");
    if (service == null || service.isBlank() || service.contains("/")) {
      throw new IllegalArgumentException("service: \"" + service + "\" (expected: a service host name such as reviews)");
    }
    SharedMeshes.Lease mesh = SharedMeshes.acquire(settings);
    MeshXdsClients.Lease lease;
    try {
      lease = MeshXdsClients.acquire(settings,
          mesh.mesh().identity().map(MeshIdentity::certificateDirectory).orElse(null));
    } catch (RuntimeException e) {
      mesh.release();
      throw e;
    }
    try {
      ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder("xds:///" + service, credentials)
          .setNameResolverArg(XdsNameResolverProvider.XDS_CLIENT_SUPPLIER, lease::client)
          .intercept(new RateLimitInterceptor(mesh.mesh(), service));
      customizer.accept(builder);
      return new LeasedChannel(builder.build(), lease, mesh);
    } catch (RuntimeException e) {
      lease.release();
      mesh.release();
      throw e;
    }
  }
}
