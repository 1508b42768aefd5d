package dev.meshwork.controlplane.internal.xds;

import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.model.PeerAuthentication;
import dev.meshwork.controlplane.internal.model.PeerAuthentication.MtlsMode;
import java.util.List;
import java.util.Map;

/**
 * The effective mTLS mode of a workload, as istiod's ComposePeerAuthentication computes it: the
 * mesh-wide policy (root namespace, no selector), overridden by the namespace-wide one, overridden
 * by a workload-specific one (selector matching the workload, not in the root namespace); UNSET
 * inherits; nothing at all is PERMISSIVE. Then istiod's gRPC rule (grpcgen lds.go): gRPC cannot
 * serve TLS and plaintext on one port, so PERMISSIVE serves plaintext, unless the workload carries
 * {@code security.istio.io/tlsMode=istio} (its clients use mTLS), then mTLS.
 */
final class PeerAuthentications {
  static final String TLS_MODE_LABEL = "security.istio.io/tlsMode";

  private PeerAuthentications() {}

  /** Istio's effective mode (UNSET never returned). */
  static MtlsMode mode(List<PeerAuthentication> policies, String namespace, Map<String, String> labels) {
    PeerAuthentication mesh = null;
    PeerAuthentication ns = null;
    PeerAuthentication workload = null;
    for (PeerAuthentication pa : policies) {
      boolean root = MeshConfig.ROOT_NAMESPACE.equals(pa.namespace());
      if (pa.selector().isEmpty()) {
        if (root && mesh == null) {
          mesh = pa;
        } else if (!root && pa.namespace().equals(namespace) && ns == null) {
          ns = pa;
        }
      } else if (!root && pa.namespace().equals(namespace) && workload == null
          && labels.entrySet().containsAll(pa.selector().entrySet())) {
        workload = pa; // Istio takes the oldest; we take the first in file order
      }
    }
    MtlsMode mode = MtlsMode.PERMISSIVE;
    for (PeerAuthentication pa : new PeerAuthentication[] {mesh, ns, workload}) {
      if (pa != null && pa.mode() != MtlsMode.UNSET) {
        mode = pa.mode();
      }
    }
    return mode;
  }

  /** Whether a gRPC server of this workload requires mTLS (else it serves plaintext). */
  static boolean serverRequiresMtls(List<PeerAuthentication> policies, String namespace, Map<String, String> labels) {
    MtlsMode mode = mode(policies, namespace, labels);
    return mode == MtlsMode.STRICT || (mode == MtlsMode.PERMISSIVE && "istio".equals(labels.get(TLS_MODE_LABEL)));
  }
}
