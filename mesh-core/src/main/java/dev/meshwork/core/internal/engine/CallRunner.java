package dev.meshwork.core.internal.engine;

import dev.meshwork.core.engine.Attempt;
import dev.meshwork.core.engine.MeshRejectedException;
import dev.meshwork.core.engine.MeshRejectedException.Kind;
import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.engine.Upstream;
import dev.meshwork.core.internal.lb.ActiveRequests;
import dev.meshwork.core.internal.lb.HashKeys;
import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.policy.AttemptOutcome;
import dev.meshwork.core.internal.policy.ClusterCircuitBreaker;
import dev.meshwork.core.internal.policy.FaultDecision;
import dev.meshwork.core.internal.policy.RetryPolicy;
import dev.meshwork.core.internal.route.RouteSelection;
import dev.meshwork.core.internal.telemetry.StatusCodes;
import dev.meshwork.core.telemetry.AttemptObservation;
import dev.meshwork.core.telemetry.ClientObservation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * One call through the mesh, Envoy's router filter in miniature: rate limit, fault, mirror,
 * circuit breaker, then attempts (pick, send, outlier feedback) with retries bounded by the route's
 * policy, its timeout and the cluster's retry budget. Runs on the caller's thread; reads only
 * published state.
 */
final class CallRunner {
  private CallRunner() {}

  /** A lookup deadline not read from the clock yet (nothing had to be waited for). */
  static final long NO_DEADLINE_YET = Long.MIN_VALUE;
  private static final long SLICE_NANOS = 10_000_000;

  /**
   * @param lookupDeadline when waiting for the cluster's config gives up, {@link #NO_DEADLINE_YET}
   *     for {@code lookupNanos} from the first wait
   * @param obs the call's observation: route, faults, attempts and retry flags are recorded on it
   *     (the caller ends it)
   */
  static <R> R run(String host, ServiceTable.State svc, ClusterTable clusters, long lookupDeadline,
      long lookupNanos, MeshRequest req, Attempt<R> attempt, ClientObservation obs, MeshMetrics metrics)
      throws IOException {
    RandomGenerator random = ThreadLocalRandom.current();
    RouteSelection sel = svc.router().select(host, req, random.nextLong() & Long.MAX_VALUE);
    if (sel == null) {
      throw new MeshRejectedException(Kind.NO_ROUTE, "no route for " + req.method() + " " + req.path() + " on " + host);
    }
    obs.route(sel.route().name(), sel.cluster());
    RoutePolicies policies = svc.policies(sel);
    if (policies.rateLimiter() != null && !policies.rateLimiter().tryAcquire(random)) {
      metrics.rateLimited(host, sel.route().name());
      throw policies.rateLimiter().rejection();
    }
    if (policies.fault() != null) {
      FaultDecision fault = policies.fault().decide(req, random);
      if (fault.hasDelay()) {
        obs.fault("delay");
        sleep(fault.delay().toNanos(), attempt, obs);
      }
      if (fault.hasAbort()) {
        obs.fault("abort");
        int status = fault.abortHttpStatus() > 0 ? fault.abortHttpStatus() : 503;
        return attempt.synthesize(status, "fault filter abort");
      }
    }
    ClusterTable.Entry entry = clusters.entry(sel.cluster());
    ClusterState cluster = entry.state;
    if (cluster == null) {
      cluster = Waits.await(null, entry.ready, clusters.answerDeadline(
          lookupDeadline == NO_DEADLINE_YET ? System.nanoTime() + lookupNanos : lookupDeadline));
    }
    if (cluster == null) {
      throw new MeshRejectedException(Kind.NO_HEALTHY_UPSTREAM, "no healthy upstream: cluster " + sel.cluster()
          + " (route " + sel.route().name() + " of " + host + ") is unknown to the control plane");
    }
    mirror(policies, clusters, random, attempt);

    Duration routeTimeout = sel.route().action().timeout();
    long deadlineNanos = routeTimeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + routeTimeout.toNanos();
    // The permit counts the request as active, once, for max_requests and the retry budget alike.
    ClusterCircuitBreaker.Permit permit = cluster.breaker().tryAcquire();
    if (permit == null) {
      metrics.circuitOpen(host, cluster.config().name());
      throw new MeshRejectedException(Kind.CIRCUIT_OPEN, cluster.breaker().openMessage());
    }
    try {
      return attempts(host, sel, policies.retry(), cluster, deadlineNanos, req, attempt, random, obs, metrics);
    } finally {
      permit.close();
    }
  }

  /** The rate limit alone (transports that route themselves). */
  static void admit(String host, ServiceTable.State svc, MeshRequest req, MeshMetrics metrics)
      throws MeshRejectedException {
    RandomGenerator random = ThreadLocalRandom.current();
    RouteSelection sel = svc.router().select(host, req, random.nextLong() & Long.MAX_VALUE);
    if (sel == null) {
      return; // the transport's own router reports missing routes
    }
    RoutePolicies policies = svc.policies(sel);
    if (policies.rateLimiter() != null && !policies.rateLimiter().tryAcquire(random)) {
      metrics.rateLimited(host, sel.route().name());
      throw policies.rateLimiter().rejection();
    }
  }

  private static <R> R attempts(String host, RouteSelection sel, RetryPolicy retry, ClusterState cluster,
      long deadline, MeshRequest req, Attempt<R> attempt, RandomGenerator random,
      ClientObservation obs, MeshMetrics metrics) throws IOException {
    String clusterName = cluster.config().name();
    long hash = HashKeys.compute(sel.route().action().hashPolicies(), req);
    boolean previousHosts = sel.route().action().retry() != null && sel.route().action().retry().previousHosts();
    Set<ClusterModel.Address> tried = null;
    ClusterCircuitBreaker.RetryPermit retryPermit = null;
    int retries = 0;
    try {
      while (true) {
        ClusterModel.Address a = cluster.pick(hash, tried);
        if (a == null) {
          throw new MeshRejectedException(Kind.NO_HEALTHY_UPSTREAM, "no healthy upstream: cluster "
              + cluster.config().name() + " has " + cluster.endpointCount() + " endpoint(s)"
              + (cluster.outlier() == null ? "" : ", " + cluster.outlier().ejected().size() + " ejected"));
        }
        // The first attempt starts as the route's timeout does: all of it remains (no clock read).
        Duration timeout = tryTimeout(retry.perTryTimeout(), deadline == Long.MAX_VALUE ? Long.MAX_VALUE
            : retries == 0 ? sel.route().action().timeout().toNanos() : Math.max(1, deadline - System.nanoTime()));
        R response = null;
        IOException failure = null;
        AttemptOutcome outcome;
        Upstream upstream = new Upstream(clusterName, a.ip(), a.port(), cluster.config().tls());
        AttemptObservation tryObs = obs.isRecording() ? obs.attempt(upstream) : AttemptObservation.noop();
        // Only least-request reads the counts: other pickers skip two shared atomic updates per attempt.
        AtomicInteger inFlight = cluster.leastRequest() ? cluster.active().begin(a) : null;
        try {
          response = attempt.send(upstream, timeout, tryObs);
          outcome = AttemptOutcome.http(attempt.status(response));
        } catch (ConnectException e) {
          failure = e;
          outcome = AttemptOutcome.connectFailure();
        } catch (InterruptedIOException e) {
          failure = e;
          outcome = AttemptOutcome.timeout();
        } catch (IOException e) {
          failure = e;
          outcome = AttemptOutcome.reset();
        } catch (RuntimeException | Error e) {
          tryObs.end(StatusCodes.of(0), e);
          throw e;
        } finally {
          if (inFlight != null) {
            ActiveRequests.end(inFlight);
          }
          if (retryPermit != null) {
            retryPermit.close();
            retryPermit = null;
          }
        }
        if (tryObs != AttemptObservation.noop()) {
          tryObs.end(StatusCodes.of(response == null ? 0 : attempt.status(response)), failure);
        }
        if (failure != null && attempt.abandoned()) {
          obs.flag("DC"); // Envoy: downstream connection termination; not the endpoint's failure
          throw failure;
        }
        if (cluster.outlier() != null) {
          cluster.outlier().onResult(a, outcome);
        }
        boolean again = retries < retry.numRetries() && attempt.replayable()
            && retry.retriable(outcome, req.method(), false) && System.nanoTime() < deadline && !attempt.abandoned();
        if (!again && retries > 0 && retries >= retry.numRetries() && retry.retriable(outcome, req.method(), false)) {
          obs.flag("URX"); // Envoy: the retry limit was reached on a retriable result
        }
        if (again) {
          retryPermit = cluster.breaker().tryAcquireRetry();
          if (retryPermit == null) {
            metrics.retryBudgetExhausted(host, clusterName);
            obs.flag("URX");
            if (failure != null) {
              MeshRejectedException e = new MeshRejectedException(Kind.RETRY_BUDGET_EXHAUSTED,
                  cluster.breaker().retryBudget().exhaustedMessage() + " (last attempt: " + failure + ")");
              e.initCause(failure);
              throw e;
            }
            return response; // Envoy returns the upstream's answer when it may not retry
          }
          if (response != null) {
            attempt.discard(response);
          }
          retries++;
          metrics.retry(host, clusterName);
          if (previousHosts) {
            if (tried == null) {
              tried = new HashSet<>();
            }
            tried.add(a);
          }
          long backoff = Math.min(retry.backoffNanos(retries, random), Math.max(0, deadline - System.nanoTime()));
          sleep(backoff, attempt, obs);
          continue;
        }
        if (failure != null) {
          throw failure;
        }
        return response;
      }
    } finally {
      if (retryPermit != null) {
        retryPermit.close();
      }
    }
  }

  private static <R> void mirror(RoutePolicies policies, ClusterTable clusters, RandomGenerator random,
      Attempt<R> attempt) {
    if (policies.mirrors().isEmpty()) {
      return;
    }
    for (String name : policies.mirrors().decide(random)) {
      ClusterState s = clusters.entry(name).state;
      ClusterModel.Address a = s == null ? null : s.pick(Long.MIN_VALUE, null);
      if (a != null) {
        attempt.mirror(new Upstream(name, a.ip(), a.port(), s.config().tls()));
      }
    }
  }

  /** @param remaining nanoseconds left of the route's timeout, {@code Long.MAX_VALUE} without one */
  private static Duration tryTimeout(Duration perTry, long remaining) {
    long per = perTry == null || perTry.isZero() ? Long.MAX_VALUE : perTry.toNanos();
    long t = Math.min(remaining, per);
    return t == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(t);
  }

  /**
   * Waits out a fault delay or a retry backoff, looking every {@link #SLICE_NANOS} whether the
   * caller gave up meanwhile (an injected 7 s delay must not outlast the caller's 3 s timeout).
   */
  private static void sleep(long nanos, Attempt<?> attempt, ClientObservation obs) throws IOException {
    if (nanos <= 0) {
      return;
    }
    long end = System.nanoTime() + nanos;
    try {
      for (long left = nanos; left > 0; left = end - System.nanoTime()) {
        if (attempt.abandoned()) {
          obs.flag("DC");
          throw new IOException("Canceled");
        }
        long slice = Math.min(left, SLICE_NANOS);
        Thread.sleep(slice / 1_000_000, (int) (slice % 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting (fault delay or retry backoff)");
    }
  }
}
