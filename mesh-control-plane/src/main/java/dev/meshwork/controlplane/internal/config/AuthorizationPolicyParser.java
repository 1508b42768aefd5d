package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwork.controlplane.internal.config.ObjectReader.Item;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.Action;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * AuthorizationPolicy spec: selector, action ALLOW or DENY, rules (see {@link AuthorizationRuleParser}).
 * AUDIT and CUSTOM (and CUSTOM's provider), targetRef(s) are errors: gRPC's RBAC filter knows only
 * ALLOW and DENY.
 */
final class AuthorizationPolicyParser {
  private static final Schema SPEC = Schema.of("selector", "action", "rules")
      .unsupported("provider", "CUSTOM actions need an external authorizer, which proxyless gRPC cannot call")
      .unsupported("targetRef", "targetRefs");

  private AuthorizationPolicyParser() {}

  /** The policy, or null when it has errors (reported). */
  static AuthorizationPolicy parse(DocContext ctx, JsonNode specNode) {
    int before = ctx.errorCount();
    ObjectReader spec = ObjectReader.of(ctx, "spec", specNode, SPEC);
    Map<String, String> selector = Selectors.matchLabels(spec);
    Action action = Action.ALLOW;
    String a = spec.oneOf("action", List.of("ALLOW", "DENY", "AUDIT", "CUSTOM"));
    if ("AUDIT".equals(a) || "CUSTOM".equals(a)) {
      ctx.error(spec.path("action"), "not supported by Meshwork yet: " + a + " (gRPC's RBAC filter applies only ALLOW and DENY)");
    } else if (a != null) {
      action = Action.valueOf(a);
    }
    List<Rule> rules = new ArrayList<>();
    for (Item item : spec.list("rules")) {
      Rule r = AuthorizationRuleParser.rule(ctx, item);
      if (r != null) {
        rules.add(r);
      }
    }
    return ctx.errorCount() != before ? null : new AuthorizationPolicy(ctx.source(), ctx.namespace, selector, action, rules);
  }
}
