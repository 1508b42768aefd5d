package dev.meshwork.core.inbound;

/**
 * What transport security the control plane asks an inbound listener to use, read from the
 * listener filter chain's {@code transport_socket} (Istio's PeerAuthentication mode).
 */
public enum InboundTls {
  /** No transport socket: plaintext (PeerAuthentication DISABLE). */
  PLAINTEXT,
  /** TLS with {@code require_client_certificate}: mutual TLS only (PeerAuthentication STRICT). */
  MTLS_REQUIRED,
  /** TLS without requiring a client certificate. */
  TLS
}
