package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/** Helpers shared by the pickers. */
final class Candidates {
  /** Stable order for hash-based pickers, so every client builds the same ring from the same set. */
  static final Comparator<ClusterModel.Address> BY_ADDRESS =
      Comparator.comparing(ClusterModel.Address::ip).thenComparingInt(ClusterModel.Address::port);

  private Candidates() {}

  /**
   * The healthy endpoints. Unhealthy ones are dropped outright: Envoy's panic mode (use every
   * host when too few are healthy) is not implemented, and Istio turns it off with outlier
   * detection anyway.
   */
  static ClusterModel.Address[] healthy(List<ClusterModel.Address> endpoints) {
    return endpoints.stream().filter(ClusterModel.Address::healthy).toArray(ClusterModel.Address[]::new);
  }

  /** The first usable endpoint at or after {@code start}, wrapping around; null when none is usable. */
  static ClusterModel.Address scan(ClusterModel.Address[] eps, int start, Predicate<ClusterModel.Address> usable) {
    for (int k = 0; k < eps.length; k++) {
      ClusterModel.Address a = eps[(start + k) % eps.length];
      if (usable.test(a)) {
        return a;
      }
    }
    return null;
  }

  static boolean anyUsable(ClusterModel.Address[] eps, Predicate<ClusterModel.Address> usable) {
    for (ClusterModel.Address a : eps) {
      if (usable.test(a)) {
        return true;
      }
    }
    return false;
  }

  static long[] cumulativeWeights(ClusterModel.Address[] eps) {
    long[] cumulative = new long[eps.length];
    long sum = 0;
    for (int i = 0; i < eps.length; i++) {
      sum += eps[i].weight();
      cumulative[i] = sum;
    }
    return cumulative;
  }

  /** Index of the first cumulative weight above {@code r}: a weighted pick for r uniform in [0, total). */
  static int weightedIndex(long[] cumulative, long r) {
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
