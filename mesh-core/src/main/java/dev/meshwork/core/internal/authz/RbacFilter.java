package dev.meshwork.core.internal.authz;

import dev.meshwork.core.inbound.AuthzDecision;
import dev.meshwork.core.inbound.InboundRequest;
import java.util.List;
import java.util.Objects;

/**
 * One {@code envoy.filters.http.rbac} filter with rules: ALLOW allows a request iff some policy
 * matches (no policies: denies everything); DENY denies it iff some policy matches. Policies are
 * tried in name order (as gRPC does, since proto maps have none) and the first match decides
 * which policy is reported. Immutable; the decisions are built here, so evaluating allocates none.
 */
public final class RbacFilter {
  /** Envoy's RBAC actions that decide (LOG filters are dropped by the parser). */
  public enum Action { ALLOW, DENY }

  private final Action action;
  private final List<RbacPolicy> policies;
  private final AuthzDecision[] matched; // per policy: what its match means
  private final AuthzDecision unmatched; // no policy matched; null means "pass" for DENY filters

  public RbacFilter(Action action, List<RbacPolicy> policies) {
    this.action = Objects.requireNonNull(action, "action");
    this.policies = List.copyOf(policies);
    this.matched = new AuthzDecision[this.policies.size()];
    for (int i = 0; i < matched.length; i++) {
      String name = this.policies.get(i).name();
      matched[i] = action == Action.ALLOW
          ? new AuthzDecision(true, name, "allowed by policy " + name)
          : new AuthzDecision(false, name, "denied by policy " + name);
    }
    this.unmatched = action == Action.ALLOW
        ? AuthzDecision.deny(this.policies.isEmpty() ? "the ALLOW rules have no policies (deny all)"
            : "no ALLOW policy matched")
        : null;
  }

  public Action action() {
    return action;
  }

  public List<RbacPolicy> policies() {
    return policies;
  }

  /**
   * This filter's verdict: a denial, an allowance by a named ALLOW policy, or null when a DENY
   * filter has no matching policy (the request passes to the next filter).
   */
  public AuthzDecision evaluate(InboundRequest r) {
    for (int i = 0; i < matched.length; i++) {
      if (policies.get(i).matches(r)) {
        return matched[i];
      }
    }
    return unmatched;
  }

  @Override
  public String toString() {
    return "RbacFilter[" + action + " " + policies.stream().map(RbacPolicy::name).toList() + "]";
  }
}
