package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Endpoints, clusters and counting helpers for picker tests. */
final class Endpoints {
  private Endpoints() {}

  static ClusterModel.Address ep(int i) {
    return ep(i, 1);
  }

  static ClusterModel.Address ep(int i, int weight) {
    return new ClusterModel.Address("10.0." + (i / 250) + "." + (i % 250 + 1), 8080, weight, true);
  }

  static List<ClusterModel.Address> eps(int n) {
    List<ClusterModel.Address> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(ep(i));
    }
    return out;
  }

  static ClusterModel.Cluster cluster(ClusterModel.LbPolicy policy, boolean outlier) {
    ClusterModel.Outlier o = outlier
        ? new ClusterModel.Outlier(5, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(300), 10)
        : null;
    return new ClusterModel.Cluster("c", "c", policy, 2, 1024, 8 * 1024 * 1024, ClusterModel.Thresholds.ENVOY_DEFAULTS,
        o, null, Duration.ofSeconds(5), null);
  }

  static Map<ClusterModel.Address, Integer> counts(Picker p, int picks, PickContext ctx) {
    Map<ClusterModel.Address, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(p.pick(ctx), 1, Integer::sum);
    }
    return counts;
  }

  static PickContext except(ClusterModel.Address... excluded) {
    Set<ClusterModel.Address> out = Set.of(excluded);
    Predicate<ClusterModel.Address> usable = a -> !out.contains(a);
    return new PickContext(PickContext.NO_HASH, usable);
  }

  static PickContext hashed(long hash) {
    return new PickContext(hash, PickContext.ANY);
  }
}
