package dev.meshwork.controlplane.internal.xds;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.controlplane.internal.config.ConfigLoader;
import dev.meshwork.controlplane.internal.config.LoadResult;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import java.util.Map;

/** YAML-driven helpers for the security translation tests. */
final class SecurityFixtures {
  private SecurityFixtures() {}

  static MeshConfig load(String yaml) {
    LoadResult r = ConfigLoader.load(Map.of("mesh.yaml", yaml));
    assertTrue(r.ok(), () -> r.errors().toString());
    return r.config();
  }

  static String pa(String namespace, String name, String spec) {
    return """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: %s, namespace: %s}
        spec:
        """.formatted(name, namespace) + spec.indent(2) + "---\n";
  }

  static String ap(String namespace, String name, String spec) {
    return """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: %s, namespace: %s}
        spec:
        """.formatted(name, namespace) + spec.indent(2) + "---\n";
  }
}
