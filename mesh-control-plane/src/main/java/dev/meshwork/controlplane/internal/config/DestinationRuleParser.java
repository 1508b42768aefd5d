package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwork.controlplane.internal.config.ObjectReader.Item;
import dev.meshwork.controlplane.internal.model.DestinationRule;
import dev.meshwork.controlplane.internal.model.RetryBudget;
import dev.meshwork.controlplane.internal.model.Subset;
import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DestinationRule spec: host, trafficPolicy, subsets (unique RFC 1123 names), exportTo; plus the
 * Meshwork retry budget annotations, which may not be combined with connectionPool.http.maxRetries
 * (Envoy ignores max_retries once a budget is configured).
 */
final class DestinationRuleParser {
  private static final Schema SPEC = Schema.of("host", "trafficPolicy", "subsets", "exportTo")
      .unsupported("workloadSelector");
  private static final Schema SUBSET = Schema.of("name", "labels", "trafficPolicy");

  private DestinationRuleParser() {}

  /**
   * The rule, or null when its host is unusable (other problems are reported, the rest kept).
   *
   * @param annotations the document's annotations (the retry budget ones are read here)
   */
  static DestinationRule parse(DocContext ctx, JsonNode specNode, Map<String, String> annotations) {
    ObjectReader spec = ObjectReader.of(ctx, "spec", specNode, SPEC);
    String host = Fields.host(ctx, spec.path("host"), spec.requiredString("host"));
    TrafficPolicy policy = TrafficPolicyParser.parse(spec, "trafficPolicy");
    Fields.exportTo(spec);
    List<Subset> subsets = new ArrayList<>();
    List<String> maxRetriesPaths = new ArrayList<>();
    if (policy != null && policy.connectionPool() != null && policy.connectionPool().maxRetries() != null) {
      maxRetriesPaths.add("spec.trafficPolicy.connectionPool.http.maxRetries");
    }
    Set<String> names = new HashSet<>();
    for (Item item : spec.list("subsets")) {
      ObjectReader s = ObjectReader.of(ctx, item.path(), item.node(), SUBSET);
      String name = s.requiredString("name");
      if (name != null && !Names.isDnsLabel(name)) {
        ctx.error(s.path("name"), Texts.quote(name) + " is not a valid subset name (expected an RFC 1123 label)");
        name = null;
      } else if (name != null && !names.add(name)) {
        ctx.error(s.path("name"), "duplicate subset " + name);
        name = null;
      }
      Map<String, String> labels = Fields.labels(s, "labels");
      TrafficPolicy subsetPolicy = TrafficPolicyParser.parse(s, "trafficPolicy");
      if (subsetPolicy != null && subsetPolicy.connectionPool() != null && subsetPolicy.connectionPool().maxRetries() != null) {
        maxRetriesPaths.add(s.path("trafficPolicy") + ".connectionPool.http.maxRetries");
      }
      if (name != null) {
        subsets.add(new Subset(name, labels, subsetPolicy));
      }
    }
    RetryBudget budget = Annotations.retryBudget(ctx, annotations);
    if (budget != null && !maxRetriesPaths.isEmpty()) {
      ctx.error(Annotations.retryBudgetPath(annotations), "a retry budget replaces connectionPool.http.maxRetries (set at "
          + String.join(", ", maxRetriesPaths) + "); set only one");
    }
    return host == null ? null
        : new DestinationRule(ctx.source(), host, policy == null ? TrafficPolicy.NONE : policy, subsets, budget);
  }
}
