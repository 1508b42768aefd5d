package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-flight requests per endpoint of one cluster, for least-request picking. Lives as long as the
 * cluster, across endpoint updates, so counts survive picker rebuilds. Thread-safe; callers pair
 * every {@link #begin} with one {@link #end(AtomicInteger)} on the counter it returned.
 *
 * <p>Keyed by the whole {@link ClusterModel.Address} record: an EDS update that changes an
 * endpoint's weight or health starts it a fresh counter (its in-flight requests still end on the
 * old one). Counters of departed endpoints are dropped by {@link #retainOnly} once they drain.
 */
public final class ActiveRequests {
  private final ConcurrentHashMap<ClusterModel.Address, AtomicInteger> counts = new ConcurrentHashMap<>();

  /**
   * Counts a request to {@code a} in.
   *
   * @return its counter, to hand to {@link #end(AtomicInteger)}: the pair then touches the same
   *     counter without a second lookup, even if {@link #retainOnly} dropped it in between
   */
  public AtomicInteger begin(ClusterModel.Address a) {
    AtomicInteger c = counter(a);
    c.incrementAndGet();
    return c;
  }

  /** Counts a request out of the counter {@link #begin} returned. */
  public static void end(AtomicInteger counter) {
    counter.decrementAndGet();
  }

  public void end(ClusterModel.Address a) {
    AtomicInteger c = counts.get(a);
    if (c != null) {
      c.updateAndGet(v -> v > 0 ? v - 1 : 0); // never negative, even after a retainOnly race
    }
  }

  public int active(ClusterModel.Address a) {
    AtomicInteger c = counts.get(a);
    return c == null ? 0 : c.get();
  }

  AtomicInteger counter(ClusterModel.Address a) {
    return counts.computeIfAbsent(a, k -> new AtomicInteger());
  }

  /** Forgets idle counters of endpoints not in {@code live}; call when endpoints change. */
  public void retainOnly(Set<ClusterModel.Address> live) {
    counts.entrySet().removeIf(e -> e.getValue().get() == 0 && !live.contains(e.getKey()));
  }
}
