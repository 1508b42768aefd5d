package dev.meshwork.controlplane.internal.model;

import java.util.List;

/**
 * Istio DestinationRule; host is a normalised service key, trafficPolicy never null.
 *
 * @param retryBudget from the {@code retrybudget.meshwork.dev/...} annotations, for every cluster of
 *     the rule; null when not annotated: the translator then gives every cluster
 *     {@link RetryBudget#DEFAULT}, except clusters whose connection pool sets maxRetries
 */
public record DestinationRule(
    Source source, String host, TrafficPolicy trafficPolicy, List<Subset> subsets, RetryBudget retryBudget) {
  public DestinationRule {
    subsets = List.copyOf(subsets);
  }
}
