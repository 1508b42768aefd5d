package dev.meshwork.core.internal.authz;

import dev.meshwork.core.inbound.InboundRequest;
import java.util.Objects;

/**
 * One named RBAC policy: matches when any permission and any principal match (Envoy's
 * {@code config.rbac.v3.Policy}; the lists are given as {@link RbacMatcher.Or}s).
 */
public record RbacPolicy(String name, RbacMatcher permissions, RbacMatcher principals) {
  public RbacPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(permissions, "permissions");
    Objects.requireNonNull(principals, "principals");
  }

  public boolean matches(InboundRequest r) {
    return permissions.matches(r) && principals.matches(r);
  }
}
