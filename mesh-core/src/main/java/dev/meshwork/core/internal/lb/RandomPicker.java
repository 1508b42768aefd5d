package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.List;

/**
 * Weighted random. An unusable pick is redrawn a few times (keeping the weights' proportions
 * among the rest), then the endpoints are scanned from a random start.
 */
final class RandomPicker implements Picker {
  private static final int REDRAWS = 3;

  private final ClusterModel.Address[] eps;
  private final long[] cumulative;
  private final long total;
  private final Randomness random;

  RandomPicker(List<ClusterModel.Address> endpoints, Randomness random) {
    this.eps = Candidates.healthy(endpoints);
    this.cumulative = Candidates.cumulativeWeights(eps);
    this.total = eps.length == 0 ? 0 : cumulative[eps.length - 1];
    this.random = random;
  }

  @Override
  public ClusterModel.Address pick(PickContext ctx) {
    if (eps.length == 0) {
      return null;
    }
    for (int k = 0; k <= REDRAWS; k++) {
      ClusterModel.Address a = eps[Candidates.weightedIndex(cumulative, random.nextLong(total))];
      if (ctx.usable().test(a)) {
        return a;
      }
    }
    return Candidates.scan(eps, (int) random.nextLong(eps.length), ctx.usable());
  }
}
