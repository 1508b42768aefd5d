package dev.meshwork.grpc;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.XdsBootstrap;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.xds.XdsServerBuilder;

/**
 * gRPC servers whose inbound side is configured by the mesh: a real grpc-xds
 * {@link XdsServerBuilder} that fetches its listener ({@code grpc/server?xds.resource.listening_address=…})
 * from the control plane, with the bootstrap generated in process. The server only starts serving
 * once the control plane has answered, as gRPC's xDS servers do.
 *
 * <p>Plaintext until the identity work brings mTLS. Registration in the instance registry is
 * separate ({@code MeshRegistration}), since the address others reach may differ from the bound one.
 */
public final class MeshServers {
  private MeshServers() {}

  /** A server builder for {@code port} (a concrete port: the listener name carries it). */
  public static XdsServerBuilder forPort(MeshSettings settings, int port) {
    return forPort(settings, port, InsecureServerCredentials.create());
  }

  /** As {@link #forPort(MeshSettings, int)} with the given credentials. */
  public static XdsServerBuilder forPort(MeshSettings settings, int port, ServerCredentials credentials) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535; xDS servers need a concrete port)");
    }
    // Not only for tests despite its name: the one hook for a per-server bootstrap.
    return XdsServerBuilder.forPort(port, credentials).overrideBootstrapForTest(XdsBootstrap.of(settings));
  }
}
