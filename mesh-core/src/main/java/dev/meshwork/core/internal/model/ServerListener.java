package dev.meshwork.core.internal.model;

import dev.meshwork.core.inbound.InboundTls;
import dev.meshwork.core.internal.authz.RbacChain;
import java.util.Objects;

/**
 * An inbound (server) Listener as mesh-core enforces it for HTTP servers: the transport security
 * its filter chain asks for and the RBAC filters of its HttpConnectionManager, in order.
 * Immutable; parsed once per LDS update.
 *
 * @param name the LDS resource name ({@code grpc/server?xds.resource.listening_address=...})
 * @param tls from the filter chain's {@code transport_socket}
 * @param rbac the RBAC filters that decide (filters without rules are left out)
 */
public record ServerListener(String name, InboundTls tls, RbacChain rbac) {
  public ServerListener {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(rbac, "rbac");
  }
}
