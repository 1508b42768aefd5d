package dev.meshwork.controlplane.internal.model;

import java.util.Map;

/**
 * Istio {@code security.istio.io} PeerAuthentication: which mTLS mode a workload's servers accept.
 *
 * @param namespace the resource's namespace ({@code istio-system}, the root namespace, makes it
 *     mesh-wide when it has no selector)
 * @param selector {@code selector.matchLabels}; empty means namespace-wide (or mesh-wide)
 */
public record PeerAuthentication(Source source, String namespace, Map<String, String> selector, MtlsMode mode) {
  /** PeerAuthentication.MutualTLS.Mode; UNSET inherits from the parent scope. */
  public enum MtlsMode { UNSET, DISABLE, PERMISSIVE, STRICT }

  public PeerAuthentication {
    selector = Map.copyOf(selector);
  }
}
