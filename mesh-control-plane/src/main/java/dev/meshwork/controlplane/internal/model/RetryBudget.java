package dev.meshwork.controlplane.internal.model;

/**
 * Envoy's retry budget for the clusters of a DestinationRule (annotations
 * {@code retrybudget.meshwork.dev/percent} and {@code retrybudget.meshwork.dev/min-concurrency}):
 * concurrent retries are capped at max(minRetryConcurrency, percent% of active requests).
 *
 * @param percent in (0, 100]
 * @param minRetryConcurrency >= 0
 */
public record RetryBudget(double percent, int minRetryConcurrency) {
  /** Meshwork's default for every cluster: Envoy's defaults for a configured budget. */
  public static final RetryBudget DEFAULT = new RetryBudget(20, 3);
}
