package dev.meshwork.grpc;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.grpc.internal.ClientTelemetryInterceptor;
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
 * <p>Telemetry (see {@link dev.meshwork.core.telemetry.MeshTelemetry}): every call gets a logical
 * CLIENT span, one child span per attempt grpc-xds makes (its retries included), W3C
 * {@code traceparent}/{@code tracestate}/{@code baggage} in each attempt's metadata, request
 * metrics and, when enabled, an access log line. Channels from settings use the shared mesh's
 * default telemetry (Micrometer's global registry, OpenTelemetry names, global OpenTelemetry);
 * pass your own {@link Mesh} to choose. Disabled telemetry installs nothing.
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
    checkService(service);
    SharedMeshes.Lease mesh = SharedMeshes.acquire(settings);
    try {
      return build(mesh.mesh(), mesh, service, credentials, customizer);
    } catch (RuntimeException e) {
      mesh.release();
      throw e;
    }
  }

  /**
   * A channel to {@code service} on the caller's {@code mesh}, with {@link #meshCredentials()}:
   * its telemetry options (meter registry, metric names, OpenTelemetry, access log), identity and
   * rate limits apply. The mesh is not closed with the channel and must outlive it.
   */
  public static ManagedChannel forService(Mesh mesh, String service) {
    return forService(mesh, service, meshCredentials(), b -> {});
  }

  /** As {@link #forService(Mesh, String)}, with the given credentials and builder customizer. */
  public static ManagedChannel forService(Mesh mesh, String service, ChannelCredentials credentials,
      Consumer<ManagedChannelBuilder<?>> customizer) {
    Objects.requireNonNull(mesh, "mesh");
    checkService(service);
    return build(mesh, null, service, credentials, customizer);
  }

  private static void checkService(String service) {
    if (service == null || service.isBlank() || service.contains("/")) {
      throw new IllegalArgumentException("service: \"" + service + "\" (expected: a service host name such as reviews)");
    }
  }

  private static ManagedChannel build(Mesh mesh, SharedMeshes.Lease shared, String service,
      ChannelCredentials credentials, Consumer<ManagedChannelBuilder<?>> customizer) {
    Objects.requireNonNull(customizer, "customizer");
    MeshXdsClients.Lease lease = MeshXdsClients.acquire(mesh.settings(),
        mesh.identity().map(MeshIdentity::certificateDirectory).orElse(null));
    try {
      ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder("xds:///" + service, credentials)
          .setNameResolverArg(XdsNameResolverProvider.XDS_CLIENT_SUPPLIER, lease::client)
          .intercept(new RateLimitInterceptor(mesh, service));
      if (mesh.telemetry().enabled()) {
        // added after the rate limiter, so it runs before it and sees (and flags) its refusals
        builder.intercept(new ClientTelemetryInterceptor(mesh.telemetry(), service));
      }
      customizer.accept(builder);
      return new LeasedChannel(builder.build(), lease, shared);
    } catch (RuntimeException e) {
      lease.release();
      throw e;
    }
  }
}
