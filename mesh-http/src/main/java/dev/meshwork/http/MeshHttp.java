package dev.meshwork.http;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.http.internal.AttemptCalls;
import dev.meshwork.http.internal.MeshInterceptor;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * OkHttp clients routed by the mesh. A request to {@code http://reviews/...} (a service name as
 * host) goes where the control plane says: route, cluster, endpoint, retries, timeouts, circuit
 * breaking, outlier detection, faults, mirroring, rate limits. Hosts that are not mesh services
 * pass through untouched; connection pooling and HTTP/2 stay OkHttp's.
 *
 * <pre>{@code
 * try (MeshHttp http = MeshHttp.create(settings)) {
 *   Response r = http.client().newCall(new Request.Builder().url("http://reviews/reviews/1").build()).execute();
 * }
 * }</pre>
 *
 * <p>Errors the mesh decides are {@link dev.meshwork.core.engine.MeshRejectedException}s (an
 * IOException); injected aborts arrive as responses with the configured status, as from Envoy.
 * Thread-safe.
 */
public final class MeshHttp implements AutoCloseable {
  private final Mesh mesh;
  private final boolean ownsMesh;
  private final OkHttpClient client;

  private MeshHttp(Mesh mesh, boolean ownsMesh, OkHttpClient.Builder base) {
    this.mesh = mesh;
    this.ownsMesh = ownsMesh;
    this.client = install(base);
  }

  /** A mesh of its own for these settings, with default options. */
  public static MeshHttp create(MeshSettings settings) {
    return create(settings, MeshOptions.DEFAULTS);
  }

  /** A mesh of its own; closed with this object. */
  public static MeshHttp create(MeshSettings settings, MeshOptions options) {
    return new MeshHttp(Mesh.start(settings, options), true, new OkHttpClient.Builder());
  }

  /** Uses a mesh the caller owns (shared with gRPC or other clients). */
  public static MeshHttp using(Mesh mesh) {
    return new MeshHttp(Objects.requireNonNull(mesh, "mesh"), false, new OkHttpClient.Builder());
  }

  /** A ready client routed by the mesh. */
  public OkHttpClient client() {
    return client;
  }

  /**
   * Adds the mesh to an application's own builder (its timeouts, pool, interceptors and event
   * listeners are kept) and builds it. The mesh interceptor goes last among application
   * interceptors. The client's event listener factory also relays {@code Call.cancel()} and call
   * timeouts to the attempt in flight: replacing it on the built client's {@code newBuilder()}
   * leaves attempts sent as calls of their own (mTLS, route or per-try timeouts) running until
   * their own timeouts.
   */
  public OkHttpClient install(OkHttpClient.Builder builder) {
    OkHttpClient raw = builder.build();
    return raw.newBuilder()
        .addInterceptor(new MeshInterceptor(mesh, () -> raw))
        .eventListenerFactory(AttemptCalls.relaying(raw.eventListenerFactory()))
        .build();
  }

  /** The engine underneath. */
  public Mesh mesh() {
    return mesh;
  }

  @Override
  public void close() {
    if (ownsMesh) {
      mesh.close();
    }
  }
}
