/**
 * Workload identity without an agent: {@link dev.meshwork.core.identity.MeshIdentity} obtains and
 * renews this workload's SPIFFE X.509 certificate from the control plane's CA and serves it to
 * TLS (reloadable key and trust managers, an {@code SSLContext}) and to grpc-xds (PEM files);
 * {@link dev.meshwork.core.identity.SpiffeId} and {@link dev.meshwork.core.identity.SpiffePeers}
 * name and check peers. Implementation in {@code dev.meshwork.core.internal.identity}.
 */
package dev.meshwork.core.identity;
