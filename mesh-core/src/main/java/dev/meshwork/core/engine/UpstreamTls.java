package dev.meshwork.core.engine;

import java.util.Set;

/**
 * How an attempt's connection must be secured, from the cluster's UpstreamTlsContext: mTLS with
 * this workload's mesh certificate, trusting the mesh's roots, and accepting only a server whose
 * certificate carries one of {@code peerIdentities} as a URI SAN (SPIFFE IDs; empty means any
 * identity the mesh's roots vouch for). Immutable; one instance per cluster version.
 *
 * @param peerIdentities exact SPIFFE IDs the server may present
 * @param sni server name to send, empty for none
 */
public record UpstreamTls(Set<String> peerIdentities, String sni) {
  public UpstreamTls {
    peerIdentities = Set.copyOf(peerIdentities);
  }
}
