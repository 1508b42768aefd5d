package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Least request by power of N choices (Envoy's default N = 2): sample N endpoints by weight and
 * take the one with the fewest active requests per unit of weight. Sampling by weight keeps the
 * weights' proportions while the cluster is idle; dividing by weight keeps them under load.
 * (Envoy switches to a weighted EDF scheduler with an active-request bias when weights differ;
 * this approximation needs no lock.) Active counts come from {@link ActiveRequests}; counters are
 * resolved once here, so a pick makes no map lookups.
 */
final class LeastRequestPicker implements Picker {
  private final ClusterModel.Address[] eps;
  private final AtomicInteger[] active;
  private final long[] cumulative;
  private final long total;
  private final int choices;
  private final Randomness random;

  LeastRequestPicker(List<ClusterModel.Address> endpoints, int choices, ActiveRequests requests, Randomness random) {
    this.eps = Candidates.healthy(endpoints);
    this.active = new AtomicInteger[eps.length];
    for (int i = 0; i < eps.length; i++) {
      active[i] = requests.counter(eps[i]);
    }
    this.cumulative = Candidates.cumulativeWeights(eps);
    this.total = eps.length == 0 ? 0 : cumulative[eps.length - 1];
    this.choices = Math.max(2, choices);
    this.random = random;
  }

  @Override
  public ClusterModel.Address pick(PickContext ctx) {
    if (eps.length == 0) {
      return null;
    }
    int best = -1;
    for (int c = 0; c < choices; c++) {
      int i = Candidates.weightedIndex(cumulative, random.nextLong(total));
      if (ctx.usable().test(eps[i]) && (best < 0 || lessLoaded(i, best))) {
        best = i;
      }
    }
    if (best >= 0) {
      return eps[best];
    }
    // Every sample was unusable (many ejected or tried hosts): take the least loaded usable one.
    for (int i = 0; i < eps.length; i++) {
      if (ctx.usable().test(eps[i]) && (best < 0 || lessLoaded(i, best))) {
        best = i;
      }
    }
    return best < 0 ? null : eps[best];
  }

  /** active[i] / weight[i] < active[j] / weight[j], in integers. */
  private boolean lessLoaded(int i, int j) {
    return (long) active[i].get() * eps[j].weight() < (long) active[j].get() * eps[i].weight();
  }
}
