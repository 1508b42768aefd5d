package dev.meshwork.core.internal.authz;

import dev.meshwork.core.inbound.AuthzDecision;
import dev.meshwork.core.inbound.InboundRequest;
import java.util.List;

/**
 * The RBAC filters of one inbound listener, in filter chain order (istiod writes DENY before
 * ALLOW). A request is allowed iff no filter denies it: the first denial wins. Filters whose
 * config has no {@code rules} do nothing and are not in the chain. Immutable and thread-safe;
 * {@link #evaluate} takes no locks and allocates nothing of its own.
 */
public record RbacChain(List<RbacFilter> filters) {
  /** No RBAC filters: everything is allowed. */
  public static final RbacChain EMPTY = new RbacChain(List.of());

  private static final AuthzDecision NO_POLICY = new AuthzDecision(true, null, "no authorization policy applies");

  public RbacChain {
    filters = List.copyOf(filters);
  }

  public AuthzDecision evaluate(InboundRequest r) {
    AuthzDecision allowed = NO_POLICY;
    for (int i = 0; i < filters.size(); i++) {
      AuthzDecision d = filters.get(i).evaluate(r);
      if (d == null) {
        continue;
      }
      if (!d.allowed()) {
        return d;
      }
      allowed = d;
    }
    return allowed;
  }
}
