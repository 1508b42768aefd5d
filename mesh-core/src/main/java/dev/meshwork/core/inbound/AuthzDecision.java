package dev.meshwork.core.inbound;

import java.util.Objects;

/**
 * The outcome of {@link MeshInbound#check}. Immutable; decisions are built when the policy is
 * parsed and shared between requests.
 *
 * @param allowed whether the request may proceed
 * @param policy the RBAC policy that decided (for a denial, the DENY policy that matched; for an
 *     allowance, the ALLOW policy that matched), or null when no single policy decided (no
 *     RBAC filter, no ALLOW policy matched, no policy from the control plane)
 * @param reason a short human-readable explanation, for logs and error bodies
 */
public record AuthzDecision(boolean allowed, String policy, String reason) {
  public AuthzDecision {
    Objects.requireNonNull(reason, "reason");
  }

  /** A denial without a deciding policy. */
  public static AuthzDecision deny(String reason) {
    return new AuthzDecision(false, null, reason);
  }
}
