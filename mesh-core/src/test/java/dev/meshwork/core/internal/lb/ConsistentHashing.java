package dev.meshwork.core.internal.lb;

import static dev.meshwork.core.internal.lb.Endpoints.hashed;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Measurements shared by the ring hash and Maglev tests. */
final class ConsistentHashing {
  private ConsistentHashing() {}

  static long[] keys(int n) {
    SplittableRandom r = new SplittableRandom(99);
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = r.nextLong();
    }
    return keys;
  }

  static ClusterModel.Address[] assign(Picker p, long[] keys) {
    ClusterModel.Address[] out = new ClusterModel.Address[keys.length];
    for (int i = 0; i < keys.length; i++) {
      out[i] = p.pick(hashed(keys[i]));
    }
    return out;
  }

  /** Fraction of keys that keep their endpoint when {@code removed} leaves the set, and keys moved that were not on it. */
  static double[] remap(Function<List<ClusterModel.Address>, Picker> build, List<ClusterModel.Address> eps,
      ClusterModel.Address removed, long[] keys) {
    ClusterModel.Address[] before = assign(build.apply(eps), keys);
    List<ClusterModel.Address> rest = new ArrayList<>(eps);
    rest.remove(removed);
    ClusterModel.Address[] after = assign(build.apply(rest), keys);
    int kept = 0;
    int strayMoves = 0;
    for (int i = 0; i < keys.length; i++) {
      if (before[i].equals(after[i])) {
        kept++;
      } else if (!before[i].equals(removed)) {
        strayMoves++;
      }
    }
    return new double[] {kept / (double) keys.length, strayMoves / (double) keys.length};
  }
}
