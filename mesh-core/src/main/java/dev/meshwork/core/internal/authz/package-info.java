/**
 * Inbound authorization: Envoy RBAC HTTP filter configs (gRFC A41's subset) compiled once into
 * immutable matcher trees ({@link dev.meshwork.core.internal.authz.RbacChain}) that
 * {@link dev.meshwork.core.inbound.MeshInbound} evaluates per request without locks. Parsing
 * and validation live with the other xDS parsers in {@code internal.model.parse}.
 */
package dev.meshwork.core.internal.authz;
