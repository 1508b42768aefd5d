package dev.meshwork.controlplane.internal.xds;

import dev.meshwork.controlplane.internal.model.ClientTls;
import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.PeerAuthentication;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import java.util.List;
import java.util.TreeSet;

/**
 * A cluster's client TLS: DestinationRule {@code tls.mode: ISTIO_MUTUAL}, or auto mTLS when every
 * endpoint of the cluster is a workload whose servers require mTLS (see
 * {@link PeerAuthentications#serverRequiresMtls}) and the rule does not say DISABLE. The server
 * certificate must carry one of the SPIFFE IDs of the cluster's workloads
 * ({@code spiffe://<trust domain>/ns/<namespace>/sa/<service account>}), or the rule's
 * {@code subjectAltNames} when set.
 *
 * <p>Deviation: Istio's auto mTLS also upgrades PERMISSIVE destinations that run a sidecar; a
 * proxyless gRPC server serves PERMISSIVE as plaintext, so Meshwork does not.
 */
final class ClusterTls {
  private ClusterTls() {}

  /** The transport socket, or null for plaintext. */
  static TransportSocket socket(ServiceCatalog.ClusterSpec spec, List<PeerAuthentication> peerAuthentications, String trustDomain) {
    ClientTls tls = spec.policy().tls();
    if (tls != null && tls.mode() == ClientTls.Mode.DISABLE) {
      return null;
    }
    List<Endpoint> endpoints = spec.service().endpoints().stream()
        .filter(e -> e.labels().entrySet().containsAll(spec.subsetLabels().entrySet()))
        .toList();
    boolean mutual = tls != null
        || (!endpoints.isEmpty() && endpoints.stream().allMatch(e ->
            PeerAuthentications.serverRequiresMtls(peerAuthentications, e.effectiveNamespace(), e.labels())));
    if (!mutual) {
      return null;
    }
    List<String> sans;
    if (tls != null && !tls.subjectAltNames().isEmpty()) {
      sans = tls.subjectAltNames();
    } else {
      TreeSet<String> ids = new TreeSet<>();
      endpoints.forEach(e -> ids.add(spiffeId(trustDomain, e.effectiveNamespace(), e.effectiveServiceAccount())));
      sans = List.copyOf(ids);
    }
    return TlsContexts.upstreamMtls(sans, tls == null ? null : tls.sni());
  }

  static String spiffeId(String trustDomain, String namespace, String serviceAccount) {
    return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }
}
