package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.model.PeerAuthentication;
import dev.meshwork.controlplane.internal.model.Source;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cross-resource rules of the security kinds. Istio picks the oldest of two namespace-wide (or two
 * mesh-wide) PeerAuthentications; a directory of files has no creation times, so Meshwork rejects
 * the second one instead, as it rejects two DestinationRules for one host.
 */
final class SecurityValidator {
  private SecurityValidator() {}

  static void validate(List<PeerAuthentication> peerAuthentications, List<ConfigError> errors) {
    Map<String, Source> wide = new HashMap<>();
    for (PeerAuthentication pa : peerAuthentications) {
      if (!pa.selector().isEmpty()) {
        continue;
      }
      Source first = wide.putIfAbsent(pa.namespace(), pa.source());
      if (first != null) {
        Source s = pa.source();
        String scope = dev.meshwork.controlplane.internal.model.MeshConfig.ROOT_NAMESPACE.equals(pa.namespace()) ? "mesh-wide" : "namespace-wide";
        errors.add(new ConfigError(s.file(), s.document(), s.kind(), s.namespace() + "/" + s.name(), "spec.selector",
            "a second " + scope + " PeerAuthentication in namespace " + pa.namespace() + " (the first is "
                + first.namespace() + "/" + first.name() + " in " + first.file() + " doc " + first.document()
                + "); Istio would apply only the oldest: keep one"));
      }
    }
  }
}
