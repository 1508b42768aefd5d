package dev.meshwork.core.internal.policy;

import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.model.ClusterModel.Address;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Envoy's consecutive-error outlier detection for one cluster: an endpoint that returns
 * {@code consecutive5xx} 5xx results in a row (connect failures, resets and timeouts count as
 * 503/504), or {@code consecutiveGatewayFailure} gateway errors in a row, is ejected at once,
 * unless the ejected share of hosts would then exceed {@code maxEjectionPercent}. That is current
 * Envoy (1.31+): with the 10% default a cluster of fewer than 10 hosts ejects nothing unless
 * {@code alwaysEjectOneHost} is set, which allows one ejection whatever the percent (older Envoy
 * and gRPC's xDS outlier detection always allow one past the max).
 * An ejection lasts min(baseEjectionTime × backoff, maxEjectionTime), where the backoff grows by
 * one per ejection and shrinks by one per interval the host spends un-ejected.
 *
 * <p>Threading: {@link #onResult} and {@link #isEjected} are lock-free (per-host atomic counters,
 * volatile flags, an immutable host map); ejecting, un-ejecting and {@link #setHosts} take a
 * private lock, which happens at most once per threshold crossing or interval. The interval sweep
 * runs lazily on the caller's thread whenever an interval has passed on the injected clock, so no
 * scheduler is required; {@link #tick()} lets one drive it anyway. While nothing is ejected, picks
 * and successes read no clock: only a failure, or a pick while a host is ejected, sweeps.
 *
 * <p>Endpoints are identified by ip:port; results for addresses not in the last
 * {@link #setHosts} are ignored.
 */
public final class OutlierDetector {
  private static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);

  private final int consecutive5xx;
  private final int consecutiveGateway;
  private final long intervalNanos;
  private final long baseNanos;
  private final long maxNanos;
  private final int maxEjectionPercent;
  private final boolean alwaysEjectOneHost;
  private final LongSupplier nanoTime;
  private final Runnable onEjectionsChanged;
  private final Object lock = new Object();
  // One predicate for the pickers, not a capturing lambda per pick.
  private final java.util.function.Predicate<Address> notEjected = a -> !isEjected(a);

  private volatile Map<Address, Host> hosts = Map.of();
  private volatile Set<Address> ejected = Set.of();
  private volatile long nextSweepAt;
  private int ejectedCount; // guarded by lock
  private volatile long ejections; // written under lock

  /** A detector without {@code always_eject_one_host} (Envoy's default). */
  public OutlierDetector(ClusterModel.Outlier config, LongSupplier nanoTime, Runnable onEjectionsChanged) {
    this(config, false, nanoTime, onEjectionsChanged);
  }

  /**
   * @param alwaysEjectOneHost Envoy's {@code always_eject_one_host}: allow an ejection when none is
   *     active even if it exceeds {@code maxEjectionPercent}
   * @param nanoTime monotonic clock, {@code System::nanoTime} in production
   * @param onEjectionsChanged runs after hosts are ejected or return (e.g. to rebuild a picker), on
   *     the thread that caused it, outside the lock; must be cheap and must not throw
   */
  public OutlierDetector(ClusterModel.Outlier config, boolean alwaysEjectOneHost, LongSupplier nanoTime,
      Runnable onEjectionsChanged) {
    this.consecutive5xx = Math.max(0, config.consecutive5xx());
    this.consecutiveGateway = Math.max(0, config.consecutiveGatewayFailure());
    this.intervalNanos = positive("interval", config.interval()).toNanos();
    this.baseNanos = positive("baseEjectionTime", config.baseEjectionTime()).toNanos();
    Duration max = config.maxEjectionTime() == null || config.maxEjectionTime().isZero()
        ? DEFAULT_MAX_EJECTION_TIME : config.maxEjectionTime();
    this.maxNanos = Math.max(baseNanos, max.toNanos());
    this.maxEjectionPercent = Math.min(100, Math.max(0, config.maxEjectionPercent()));
    this.alwaysEjectOneHost = alwaysEjectOneHost;
    this.nanoTime = nanoTime;
    this.onEjectionsChanged = onEjectionsChanged;
    this.nextSweepAt = nanoTime.getAsLong() + intervalNanos;
  }

  private static Duration positive(String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + ": " + d + " (expected: > 0)");
    }
    return d;
  }

  /** Per-endpoint state; counters are touched lock-free, the rest under the detector's lock. */
  private static final class Host {
    final AtomicInteger consecutive5xx = new AtomicInteger();
    final AtomicInteger consecutiveGateway = new AtomicInteger();
    volatile boolean ejected;
    volatile boolean removed;
    long lastEjectedAt;
    int backoff;

    void resetCounters() {
      // Skip the write when already zero: successes are the common case and a store to a shared
      // counter would bounce its cache line between cores.
      if (consecutive5xx.get() != 0) {
        consecutive5xx.set(0);
      }
      if (consecutiveGateway.get() != 0) {
        consecutiveGateway.set(0);
      }
    }
  }

  /** Records how an attempt on {@code address} ended; may eject it. */
  public void onResult(Address address, AttemptOutcome outcome) {
    boolean failed = outcome.is5xx();
    long now = 0;
    // A success while nothing is ejected (the common case) reads no clock: a sweep then could only
    // decay backoffs, and the next sweep catches up on every interval since (counted, not sampled).
    if (failed || !ejected.isEmpty()) {
      now = nanoTime.getAsLong();
      maybeSweep(now);
    }
    Host host = hosts.get(address);
    if (host == null) {
      return;
    }
    if (!failed) {
      host.resetCounters();
      return;
    }
    // As Envoy: a 5xx that is not a gateway error breaks a run of gateway failures. The runs fire
    // on reaching the threshold exactly, so a host that stays failing while ejected cannot
    // re-trigger until its counters are reset.
    if (outcome.isGatewayError()) {
      if (consecutiveGateway > 0 && host.consecutiveGateway.incrementAndGet() == consecutiveGateway) {
        onThreshold(host, host.consecutiveGateway, now);
      }
    } else if (host.consecutiveGateway.get() != 0) {
      host.consecutiveGateway.set(0);
    }
    if (consecutive5xx > 0 && host.consecutive5xx.incrementAndGet() == consecutive5xx) {
      onThreshold(host, host.consecutive5xx, now);
    }
  }

  private void onThreshold(Host host, AtomicInteger counter, long now) {
    boolean changed = false;
    synchronized (lock) {
      if (!host.removed && !host.ejected) {
        changed = eject(host, now);
      }
      // Envoy resets the run whether or not max_ejection_percent let the ejection happen.
      counter.set(0);
    }
    if (changed) {
      onEjectionsChanged.run();
    }
  }

  private boolean eject(Host host, long now) {
    Map<Address, Host> current = hosts;
    double percentAfter = 100.0 * (ejectedCount + 1) / current.size();
    if (percentAfter > maxEjectionPercent && !(alwaysEjectOneHost && ejectedCount == 0)) {
      return false;
    }
    host.ejected = true;
    host.lastEjectedAt = now;
    // Envoy stops growing the backoff once base × backoff reaches max + base.
    if (host.backoff * baseNanos < maxNanos + baseNanos) {
      host.backoff++;
    }
    ejectedCount++;
    ejections = ejections + 1;
    publishEjected(current);
    return true;
  }

  /** Ejections since this detector was created (monotonic; for metrics). */
  public long ejections() {
    return ejections;
  }

  /** {@code !isEjected(address)}, as one shared predicate (the call path asks it on every pick). */
  public java.util.function.Predicate<Address> notEjected() {
    return notEjected;
  }

  /** Whether the endpoint is currently ejected (unknown endpoints are not). */
  public boolean isEjected(Address address) {
    if (ejected.isEmpty()) {
      return false; // asked on every pick: no clock read while nothing is ejected (see onResult)
    }
    maybeSweep(nanoTime.getAsLong());
    Host host = hosts.get(address);
    return host != null && host.ejected;
  }

  /** The ejected endpoints, an immutable snapshot (the Address instances of the last setHosts). */
  public Set<Address> ejected() {
    maybeSweep(nanoTime.getAsLong());
    return ejected;
  }

  /** Runs the interval sweep if an interval has passed; for callers that own a scheduler. */
  public void tick() {
    maybeSweep(nanoTime.getAsLong());
  }

  private void maybeSweep(long now) {
    if (now - nextSweepAt < 0) {
      return;
    }
    boolean changed = false;
    synchronized (lock) {
      if (now - nextSweepAt < 0) {
        return; // another thread swept meanwhile
      }
      // Sweeps that were due while nobody called count as well (backoff decays per interval).
      long intervals = 1 + (now - nextSweepAt) / intervalNanos;
      nextSweepAt += intervals * intervalNanos;
      for (Host host : hosts.values()) {
        if (!host.ejected) {
          host.backoff = (int) Math.max(0, host.backoff - intervals);
        } else if (Math.min(baseNanos * host.backoff, maxNanos) <= now - host.lastEjectedAt) {
          host.ejected = false;
          ejectedCount--;
          // Fresh counters, so a host back from ejection is not re-ejected on a few new errors.
          host.consecutive5xx.set(0);
          host.consecutiveGateway.set(0);
          changed = true;
        }
      }
      if (changed) {
        publishEjected(hosts);
      }
    }
    if (changed) {
      onEjectionsChanged.run();
    }
  }

  /**
   * Replaces the cluster's endpoints (EDS update): state carries over by ip:port, removed hosts
   * are forgotten (and no longer count as ejected), new ones start clean.
   */
  public void setHosts(Collection<Address> addresses) {
    boolean changed;
    synchronized (lock) {
      Map<String, Host> byHostPort = new HashMap<>();
      hosts.forEach((address, host) -> byHostPort.put(address.hostPort(), host));
      Map<Address, Host> next = new HashMap<>();
      for (Address address : addresses) {
        Host host = byHostPort.remove(address.hostPort());
        next.put(address, host != null ? host : new Host());
      }
      changed = false;
      for (Host gone : byHostPort.values()) {
        gone.removed = true;
        if (gone.ejected) {
          ejectedCount--;
          changed = true;
        }
      }
      hosts = Map.copyOf(next);
      publishEjected(hosts);
    }
    if (changed) {
      onEjectionsChanged.run();
    }
  }

  private void publishEjected(Map<Address, Host> current) {
    Set<Address> out = new HashSet<>();
    current.forEach((address, host) -> {
      if (host.ejected) {
        out.add(address);
      }
    });
    ejected = Set.copyOf(out);
  }
}
