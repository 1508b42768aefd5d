/**
 * Inbound policy for servers that are not gRPC xDS servers (HTTP servers, the Spring starter):
 * {@link dev.meshwork.core.inbound.MeshInbound} fetches the same server listener the control
 * plane gives gRPC servers and enforces its RBAC filters and TLS mode through mesh-core.
 */
package dev.meshwork.core.inbound;
