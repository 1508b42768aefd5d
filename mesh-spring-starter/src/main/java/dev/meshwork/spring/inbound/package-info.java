/**
 * The starter's inbound side for servlet applications: authorization by the control plane's
 * policies, the caller's SPIFFE ID ({@link dev.meshwork.spring.inbound.MeshPeer}), server spans and
 * metrics, and the web server's TLS from the mesh certificate (SSL bundle {@code mesh}).
 */
package dev.meshwork.spring.inbound;
