package dev.meshwork.grpc.internal;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.XdsBootstrap;
import io.grpc.MetricRecorder;
import io.grpc.xds.InternalGrpcBootstrapperImpl;
import io.grpc.xds.InternalSharedXdsClientPoolProvider;
import io.grpc.xds.client.Bootstrapper;
import io.grpc.xds.client.XdsClient;
import io.grpc.xds.client.XdsInitializationException;
import java.util.Map;

/**
 * One grpc-xds {@link XdsClient} per distinct generated bootstrap, shared by every channel of that
 * process identity (one ADS stream, as gRPC does for the JVM-wide bootstrap) and reference
 * counted through grpc-xds's own pool: the client closes when its last channel shuts down.
 *
 * <p>Why not {@code XdsNameResolverProvider.createForTest}: grpc-java picks a target's resolver
 * provider when the channel builder is created, so a provider set later is ignored; the
 * {@code XDS_CLIENT_SUPPLIER} resolver argument is the per-channel hook that survives.
 */
public final class MeshXdsClients {
  private static final MetricRecorder NO_METRICS = new MetricRecorder() {};

  private MeshXdsClients() {}

  /**
   * A reference to the client for these settings; give it back with {@link Lease#release()}.
   *
   * @param certificates the workload's PEM directory for the file_watcher provider, or null
   */
  public static Lease acquire(MeshSettings settings, java.nio.file.Path certificates) {
    Map<String, Object> bootstrap = XdsBootstrap.of(settings, certificates, Map.of());
    Bootstrapper.BootstrapInfo info;
    try {
      info = InternalGrpcBootstrapperImpl.parseBootstrap(bootstrap);
    } catch (XdsInitializationException e) {
      throw new IllegalArgumentException("generated xDS bootstrap rejected by grpc-xds: " + e.getMessage(), e);
    }
    // The pool is keyed by this string: different bootstraps must never share a key.
    String key = "meshwork:" + bootstrap.hashCode() + ":" + settings.instanceId() + "@" + settings.controlPlane();
    InternalSharedXdsClientPoolProvider.XdsClientResult pool =
        InternalSharedXdsClientPoolProvider.getOrCreate(key, info, NO_METRICS, null);
    return new Lease(pool, pool.getObject());
  }

  /** One reference to a shared client. */
  public static final class Lease {
    private final InternalSharedXdsClientPoolProvider.XdsClientResult pool;
    private final XdsClient client;
    private boolean released;

    Lease(InternalSharedXdsClientPoolProvider.XdsClientResult pool, XdsClient client) {
      this.pool = pool;
      this.client = client;
    }

    public XdsClient client() {
      return client;
    }

    /** Idempotent. */
    public synchronized void release() {
      if (!released) {
        released = true;
        pool.returnObject(client);
      }
    }
  }
}
