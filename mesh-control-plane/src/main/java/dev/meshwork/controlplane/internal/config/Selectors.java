package dev.meshwork.controlplane.internal.config;

import java.util.Map;

/** Istio's WorkloadSelector ({@code spec.selector.matchLabels}) for the security kinds. Stateless. */
final class Selectors {
  private static final Schema SELECTOR = Schema.of("matchLabels");

  private Selectors() {}

  /** {@code spec.selector.matchLabels}; empty when absent or empty (the policy is namespace-wide). */
  static Map<String, String> matchLabels(ObjectReader spec) {
    ObjectReader sel = spec.object("selector", SELECTOR);
    return sel == null ? Map.of() : Fields.labels(sel, "matchLabels");
  }
}
