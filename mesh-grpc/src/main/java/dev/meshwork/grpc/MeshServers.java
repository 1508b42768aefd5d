package dev.meshwork.grpc;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.XdsBootstrap;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.identity.MeshIdentity;
import dev.meshwork.core.telemetry.MeshTelemetry;
import dev.meshwork.core.telemetry.TelemetryOptions;
import dev.meshwork.grpc.internal.DenialLog;
import dev.meshwork.grpc.internal.ServerTelemetry;
import io.micrometer.core.instrument.Metrics;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import java.util.Map;

/**
 * gRPC servers whose inbound side is configured by the mesh: a real grpc-xds
 * {@link XdsServerBuilder} that fetches its listener from the control plane, with the bootstrap
 * generated in process. The listener's name ({@link XdsBootstrap#serverListenerTemplate}) carries
 * the workload's namespace, service account and labels, so the control plane applies the
 * PeerAuthentication (mTLS) and AuthorizationPolicy (RBAC) that select it. The server only starts
 * serving once the control plane has answered, as gRPC's xDS servers do. Calls refused by an
 * AuthorizationPolicy are logged with the caller's SPIFFE ID on logger {@code dev.meshwork.authz}.
 *
 * <p>Telemetry: every inbound call, refused ones included, gets a SERVER span continuing the
 * caller's W3C trace (current, with the caller's baggage, while the application handles the call),
 * request metrics (reporter=destination) and, when enabled, an access log line. A server for a
 * {@link Mesh} uses {@link Mesh#telemetry()}; one for bare settings uses a light
 * {@link MeshTelemetry} (no xDS client of its own) with default options and Micrometer's global
 * registry, unless given one.
 *
 * <p>Registration in the instance registry is separate ({@code MeshRegistration}), since the
 * address others reach may differ from the bound one. Thread-safe.
 */
public final class MeshServers {
  private MeshServers() {}

  /**
   * A plaintext-only server builder for {@code port} (a concrete port: the listener name carries
   * it) for a workload without mesh identity; authorization policies still apply.
   *
   * @throws IllegalArgumentException when the settings carry a join token: use
   *     {@link #forPort(Mesh, int, Map)}, whose mesh owns the certificate the server presents
   */
  public static XdsServerBuilder forPort(MeshSettings settings, int port) {
    if (settings.hasIdentity()) {
      throw new IllegalArgumentException("settings carry an identity token: use MeshServers.forPort(mesh, port, labels) "
          + "with a Mesh that owns the workload certificate");
    }
    return forPort(settings, port, MeshTelemetry.create(settings, TelemetryOptions.DEFAULTS, Metrics.globalRegistry));
  }

  /**
   * As {@link #forPort(MeshSettings, int)}, recording inbound calls with {@code telemetry}, e.g.
   * {@code MeshTelemetry.create(settings, TelemetryOptions.DEFAULTS.withAccessLog(true), registry)}.
   */
  public static XdsServerBuilder forPort(MeshSettings settings, int port, MeshTelemetry telemetry) {
    if (settings.hasIdentity()) {
      throw new IllegalArgumentException("settings carry an identity token: use MeshServers.forPort(mesh, port, labels) "
          + "with a Mesh that owns the workload certificate");
    }
    return build(settings, port, Map.of(), null, telemetry);
  }

  /**
   * A server builder for {@code port} for the mesh's workload: mTLS with the mesh's certificate
   * (rotated underneath) wherever the control plane's listener asks for it, plaintext otherwise.
   * The mesh must outlive the server.
   *
   * @param labels the workload's labels, e.g. {@code version=v2}, that policies select on
   */
  public static XdsServerBuilder forPort(Mesh mesh, int port, Map<String, String> labels) {
    return build(mesh.settings(), port, labels,
        mesh.identity().map(MeshIdentity::certificateDirectory).orElse(null), mesh.telemetry());
  }

  private static XdsServerBuilder build(MeshSettings settings, int port, Map<String, String> labels,
      java.nio.file.Path certificates, MeshTelemetry telemetry) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535; xDS servers need a concrete port)");
    }
    ServerCredentials credentials = XdsServerCredentials.create(InsecureServerCredentials.create());
    // Not only for tests despite its name: the one hook for a per-server bootstrap.
    XdsServerBuilder builder = XdsServerBuilder.forPort(port, credentials)
        .overrideBootstrapForTest(XdsBootstrap.of(settings, certificates, labels))
        .addStreamTracerFactory(new DenialLog());
    if (telemetry.enabled()) {
      ServerTelemetry inbound = new ServerTelemetry(telemetry);
      builder.addStreamTracerFactory(inbound).intercept(inbound);
    }
    return builder;
  }
}
