package dev.meshwork.core.internal.policy;

import dev.meshwork.core.engine.MeshRejectedException;
import dev.meshwork.core.internal.model.ClusterModel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Envoy circuit breaking for one cluster (DEFAULT priority thresholds): fails fast instead of
 * queueing when too many requests are in flight ({@code max_requests}) or retrying
 * ({@code max_retries} or the retry budget). Lock-free; one instance per cluster, shared by all
 * calls.
 *
 * <p>A request takes a {@link Permit} before its first attempt and closes it when the call ends.
 * Unlike Envoy, which checks max_requests when a pending request gets a connection, we check it at
 * admission: a proxyless client cannot fail a request half-way into its transport, so every
 * admitted request counts against max_requests from the start. {@code max_pending_requests}
 * (Istio's {@code http1MaxPendingRequests}) bounds Envoy's queue of requests waiting for a pooled
 * connection; the engine hands each attempt straight to its transport and has no such queue (the
 * transport's own, e.g. OkHttp's dispatcher, is outside its view), so it is not enforced here.
 * Counting a request as pending from admission to its endpoint pick, as this class once did, cost
 * two atomic updates of a shared counter per call and refused requests that never waited for a
 * connection (all of them at {@code max_pending_requests: 0}, which Envoy reads as "never queue").
 * {@code max_connections} is the transport's business too.
 *
 * <p>Counters are plain AtomicIntegers rather than resilience4j's SemaphoreBulkhead: in 2.3.0 its
 * {@code tryAcquirePermission()} always takes the timed {@code Semaphore.tryAcquire} path, which
 * refuses an interrupted thread even when permits are free (we would report "circuit open" for a
 * cancelled caller), and it allocates an event supplier per call.
 */
public final class ClusterCircuitBreaker {
  private final String cluster;
  private final int maxRequests;
  private final RetryBudget retries;

  /**
   * @param thresholds DEFAULT-priority thresholds, null for Envoy's defaults
   * @param budget the cluster's retry budget, null to limit retries by max_retries
   */
  public ClusterCircuitBreaker(String cluster, ClusterModel.Thresholds thresholds, ClusterModel.RetryBudget budget) {
    ClusterModel.Thresholds t = thresholds == null ? ClusterModel.Thresholds.ENVOY_DEFAULTS : thresholds;
    this.cluster = cluster;
    this.maxRequests = clamp("maxRequests", t.maxRequests());
    this.retries = RetryBudget.of(cluster, t, budget);
  }

  /** The breaker for a CDS cluster. */
  public static ClusterCircuitBreaker of(ClusterModel.Cluster cluster) {
    return new ClusterCircuitBreaker(cluster.name(), cluster.thresholds(), cluster.retryBudget());
  }

  private static int clamp(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: >= 0)");
    }
    return (int) Math.min(value, Integer.MAX_VALUE);
  }

  /** Admits a request, or returns null when the circuit is open (see {@link #openMessage()}). */
  public Permit tryAcquire() {
    return retries.tryStartRequest(maxRequests) ? new Permit(this) : null;
  }

  /** Admits a request or throws {@code CIRCUIT_OPEN} naming the cluster and the threshold hit. */
  public Permit acquire() throws MeshRejectedException {
    Permit permit = tryAcquire();
    if (permit == null) {
      throw new MeshRejectedException(MeshRejectedException.Kind.CIRCUIT_OPEN, openMessage());
    }
    return permit;
  }

  /** Why the circuit is open: max_requests in flight (counters move; this describes the moment it is called). */
  public String openMessage() {
    return "circuit open: cluster " + cluster + " has " + retries.activeRequests() + " requests in flight (max_requests "
        + maxRequests + ")";
  }

  /**
   * Takes a retry slot (budget or max_retries) for one retry, or null when none is left; the
   * caller then returns the last attempt's result, as Envoy does, or throws
   * {@code RETRY_BUDGET_EXHAUSTED} with {@link RetryBudget#exhaustedMessage()} if it has none.
   */
  public RetryPermit tryAcquireRetry() {
    return retries.tryAcquireRetry() ? new RetryPermit(retries) : null;
  }

  public RetryBudget retryBudget() {
    return retries;
  }

  /** Requests admitted and not yet closed. */
  public int activeRequests() {
    return retries.activeRequests();
  }

  public String cluster() {
    return cluster;
  }

  /** One admitted request. {@link #close()} releases it exactly once however often it is called, from any thread. */
  public static final class Permit implements AutoCloseable {
    private static final VarHandle CLOSED;

    static {
      try {
        CLOSED = MethodHandles.lookup().findVarHandle(Permit.class, "closed", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final ClusterCircuitBreaker breaker;
    @SuppressWarnings("unused") // accessed through CLOSED
    private volatile boolean closed;

    private Permit(ClusterCircuitBreaker breaker) {
      this.breaker = breaker;
    }

    /** The call is over (success, failure or cancellation). Idempotent. */
    @Override
    public void close() {
      if (CLOSED.compareAndSet(this, false, true)) {
        breaker.retries.requestFinished();
      }
    }
  }

  /** One retry slot; {@link #close()} returns it exactly once. */
  public static final class RetryPermit implements AutoCloseable {
    private static final VarHandle CLOSED;

    static {
      try {
        CLOSED = MethodHandles.lookup().findVarHandle(RetryPermit.class, "closed", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final RetryBudget budget;
    @SuppressWarnings("unused") // accessed through CLOSED
    private volatile boolean closed;

    private RetryPermit(RetryBudget budget) {
      this.budget = budget;
    }

    /** The retry attempt ended or was abandoned. Idempotent. */
    @Override
    public void close() {
      if (CLOSED.compareAndSet(this, false, true)) {
        budget.releaseRetry();
      }
    }
  }
}
