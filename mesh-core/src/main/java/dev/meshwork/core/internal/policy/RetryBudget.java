package dev.meshwork.core.internal.policy;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many retries a cluster may have in flight: Envoy's {@code retry_budget} (at most
 * max(min_retry_concurrency, budget_percent% of active requests)) or, when the cluster sets no
 * budget, the fixed {@code max_retries} circuit-breaker threshold. Lock-free; shared by all calls
 * to the cluster.
 *
 * <p>Active requests are those admitted by the cluster's {@link ClusterCircuitBreaker} (which
 * counts them here) or registered with {@link #requestStarted()}: waiting for a connection or in
 * flight, as Envoy's {@code rq_active + rq_pending_active}. Unlike Envoy, a logical request counts
 * once however many attempts it makes, which matches Envoy whenever attempts are not hedged.
 */
public final class RetryBudget {
  private final String cluster;
  /** Percent of active requests; NaN when a fixed {@code maxRetries} applies instead. */
  private final double budgetPercent;
  private final int minRetryConcurrency;
  private final int maxRetries;
  private final AtomicInteger activeRequests = new AtomicInteger();
  private final AtomicInteger activeRetries = new AtomicInteger();

  private RetryBudget(String cluster, double budgetPercent, int minRetryConcurrency, int maxRetries) {
    this.cluster = cluster;
    this.budgetPercent = budgetPercent;
    this.minRetryConcurrency = minRetryConcurrency;
    this.maxRetries = maxRetries;
  }

  /** Envoy retry_budget; {@code budgetPercent} of active requests, never fewer than the minimum. */
  public static RetryBudget percentOfActive(String cluster, double budgetPercent, int minRetryConcurrency) {
    if (!(budgetPercent >= 0 && budgetPercent <= 100)) {
      throw new IllegalArgumentException("budgetPercent: " + budgetPercent + " (expected: 0..100)");
    }
    if (minRetryConcurrency < 0) {
      throw new IllegalArgumentException("minRetryConcurrency: " + minRetryConcurrency + " (expected: >= 0)");
    }
    return new RetryBudget(cluster, budgetPercent, minRetryConcurrency, 0);
  }

  /** The plain max_retries threshold: at most this many concurrent retries. */
  public static RetryBudget fixed(String cluster, long maxRetries) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries: " + maxRetries + " (expected: >= 0)");
    }
    return new RetryBudget(cluster, Double.NaN, 0, (int) Math.min(maxRetries, Integer.MAX_VALUE));
  }

  /** The budget when the cluster has one (Envoy then ignores max_retries), else max_retries. */
  public static RetryBudget of(String cluster, ClusterModel.Thresholds thresholds, ClusterModel.RetryBudget budget) {
    if (budget != null) {
      return percentOfActive(cluster, budget.budgetPercent(), budget.minRetryConcurrency());
    }
    ClusterModel.Thresholds t = thresholds == null ? ClusterModel.Thresholds.ENVOY_DEFAULTS : thresholds;
    return fixed(cluster, t.maxRetries());
  }

  /** Counts a request as active (the circuit breaker does this for the requests it admits). */
  public void requestStarted() {
    activeRequests.incrementAndGet();
  }

  /** Ends what {@link #requestStarted()} began. */
  public void requestFinished() {
    activeRequests.decrementAndGet();
  }

  /** Admits a request only while fewer than {@code max} are active; used for max_requests. */
  boolean tryStartRequest(int max) {
    return tryIncrementBelow(activeRequests, max);
  }

  /**
   * Takes a retry slot if the budget allows one more concurrent retry. Pair every success with
   * {@link #releaseRetry()} once the retry attempt ends (or is abandoned during back-off).
   */
  public boolean tryAcquireRetry() {
    for (;;) {
      int current = activeRetries.get();
      if (current >= limit()) {
        return false;
      }
      if (activeRetries.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Returns a slot taken by {@link #tryAcquireRetry()}. */
  public void releaseRetry() {
    if (activeRetries.decrementAndGet() < 0) {
      activeRetries.incrementAndGet();
      throw new IllegalStateException("releaseRetry without a matching tryAcquireRetry on " + cluster);
    }
  }

  /** Concurrent retries allowed right now (it moves with active requests under a budget). */
  public int limit() {
    if (Double.isNaN(budgetPercent)) {
      return maxRetries;
    }
    // Envoy truncates the product (uint64 conversion), so 20% of 14 requests allows 2, not 3.
    long byPercent = (long) (budgetPercent / 100.0 * activeRequests.get());
    return (int) Math.min(Integer.MAX_VALUE, Math.max(byPercent, minRetryConcurrency));
  }

  public int activeRequests() {
    return activeRequests.get();
  }

  public int activeRetries() {
    return activeRetries.get();
  }

  /** Says why {@link #tryAcquireRetry()} failed, naming the cluster and the threshold. */
  public String exhaustedMessage() {
    int retries = activeRetries.get();
    if (Double.isNaN(budgetPercent)) {
      return "retry budget exhausted: cluster " + cluster + " has " + retries + " retries in flight (max_retries "
          + maxRetries + ")";
    }
    return "retry budget exhausted: cluster " + cluster + " has " + retries + " retries in flight (retry_budget "
        + budgetPercent + "% of " + activeRequests.get() + " active requests, min_retry_concurrency "
        + minRetryConcurrency + ")";
  }

  /**
   * Increments {@code counter} if that keeps it at most {@code max}. One atomic increment, undone
   * when over, rather than a read and a compare-and-set: on a shared counter every call updates,
   * the read fetches the cache line from the core that last wrote it and the CAS fetches it again
   * to write. Never admits more than {@code max}; a caller racing an undone overshoot at the limit
   * may be refused (Envoy's check-then-increment is approximate too).
   */
  static boolean tryIncrementBelow(AtomicInteger counter, int max) {
    if (counter.incrementAndGet() <= max) {
      return true;
    }
    counter.decrementAndGet();
    return false;
  }
}
