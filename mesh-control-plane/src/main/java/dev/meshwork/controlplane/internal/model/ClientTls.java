package dev.meshwork.controlplane.internal.model;

import java.util.List;

/**
 * DestinationRule {@code trafficPolicy.tls} (Istio ClientTLSSettings), limited to what proxyless
 * clients can do with mesh certificates: DISABLE or ISTIO_MUTUAL.
 *
 * @param sni SNI to send, null when not set
 * @param subjectAltNames SANs the server certificate must carry, replacing the SPIFFE IDs of the
 *     destination's workloads; empty when not set
 */
public record ClientTls(Mode mode, String sni, List<String> subjectAltNames) {
  /** ClientTLSSettings.TLSmode values Meshwork applies. */
  public enum Mode { DISABLE, ISTIO_MUTUAL }

  public ClientTls {
    subjectAltNames = List.copyOf(subjectAltNames);
  }
}
