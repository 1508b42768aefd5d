package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.Arrays;
import java.util.List;

/**
 * Envoy's Maglev: a lookup table of {@value #TABLE_SIZE} slots (Envoy's default, a prime) filled
 * by each endpoint's permutation, offset xxHash64(address) and skip xxHash64(address, seed 1),
 * taking turns in proportion to weight; a request goes to slot {@code hash mod size}. Removing one
 * endpoint mostly reassigns only its own slots. Endpoints are sorted by address so every client
 * builds the same table.
 *
 * <p>Not in Envoy: an unusable endpoint's slot falls through to the next slots until a usable
 * endpoint; the table is a permutation, so those neighbours are spread over all endpoints.
 * Without a request hash the pick is a random slot.
 */
final class MaglevPicker implements Picker {
  static final int TABLE_SIZE = 65537;

  private final ClusterModel.Address[] eps;
  private final ClusterModel.Address[] table;
  private final Randomness random;

  MaglevPicker(List<ClusterModel.Address> endpoints, Randomness random) {
    this.random = random;
    this.eps = Candidates.healthy(endpoints);
    Arrays.sort(eps, Candidates.BY_ADDRESS);
    this.table = eps.length == 0 ? new ClusterModel.Address[0] : build(eps);
  }

  private static ClusterModel.Address[] build(ClusterModel.Address[] eps) {
    int n = eps.length;
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    double[] weight = new double[n];
    double[] target = new double[n];
    double maxWeight = 0;
    for (int i = 0; i < n; i++) {
      String key = eps[i].hostPort();
      offset[i] = Long.remainderUnsigned(XxHash64.hash(key, 0), TABLE_SIZE);
      skip[i] = Long.remainderUnsigned(XxHash64.hash(key, 1), TABLE_SIZE - 1) + 1;
      weight[i] = eps[i].weight();
      maxWeight = Math.max(maxWeight, weight[i]);
    }
    ClusterModel.Address[] table = new ClusterModel.Address[TABLE_SIZE];
    int filled = 0;
    for (long iteration = 0; filled < TABLE_SIZE; iteration++) {
      for (int i = 0; i < n && filled < TABLE_SIZE; i++) {
        // Envoy's weighting: the heaviest endpoint takes a slot every round, one of a third
        // its weight every third round.
        if (iteration * weight[i] < target[i]) {
          continue;
        }
        target[i] += maxWeight;
        int c = (int) ((offset[i] + skip[i] * next[i]) % TABLE_SIZE);
        while (table[c] != null) {
          next[i]++;
          c = (int) ((offset[i] + skip[i] * next[i]) % TABLE_SIZE);
        }
        table[c] = eps[i];
        next[i]++;
        filled++;
      }
    }
    return table;
  }

  @Override
  public ClusterModel.Address pick(PickContext ctx) {
    if (table.length == 0) {
      return null;
    }
    long h = ctx.hasHash() ? ctx.hash() : random.nextLong();
    int slot = (int) Long.remainderUnsigned(h, TABLE_SIZE);
    ClusterModel.Address a = table[slot];
    if (ctx.usable().test(a)) {
      return a;
    }
    if (!Candidates.anyUsable(eps, ctx.usable())) {
      return null;
    }
    for (int k = 1; k < TABLE_SIZE; k++) {
      ClusterModel.Address next = table[(slot + k) % TABLE_SIZE];
      if (next != a && ctx.usable().test(next)) {
        return next;
      }
    }
    return null;
  }
}
