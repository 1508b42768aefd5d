package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Priority failover over a cluster's EDS localities: one picker per priority (endpoints of all
 * localities of a priority pooled, as Envoy does without locality-weighted balancing), and each
 * request goes to the lowest priority that has a usable endpoint. Fail-back is immediate: the
 * moment priority 0 has a usable endpoint again, it takes the traffic.
 *
 * <p><b>Simplification:</b> Envoy spills traffic gradually, giving a priority
 * {@code min(100%, 1.4 × its healthy percentage)} of the load (overprovisioning factor 1.4), so a
 * priority that is 50% healthy keeps 70% of the traffic. We send everything to the first priority
 * with anything usable: simpler, lock-free, and what Istio's failover looks like once outlier
 * detection has ejected most of a locality; but a half-ejected priority takes all the load.
 *
 * <p>Immutable and thread-safe; build a new one per cluster or endpoints update.
 */
public final class PriorityPicker implements Picker {
  private final Picker[] levels;

  private PriorityPicker(Picker[] levels) {
    this.levels = levels;
  }

  /**
   * @param own this client's locality, or null when unknown. When every EDS priority is 0, the
   *     locality is known and the cluster has outlier detection, priorities are derived with
   *     {@link LocalityPriorities}: Istio enables locality failover only with outlier detection,
   *     since without ejection nothing would ever fail over and the local zone would take all load
   * @param active the cluster's in-flight counts (kept across updates); counters of endpoints no
   *     longer listed are dropped here once idle
   */
  public static PriorityPicker build(ClusterModel.Cluster cluster, ClusterModel.Endpoints endpoints,
      ClusterModel.Locality own, ActiveRequests active, Randomness random) {
    List<ClusterModel.LocalityGroup> groups = endpoints.localities();
    boolean allZero = groups.stream().allMatch(g -> g.priority() == 0);
    if (allZero && own != null && !own.isUnknown() && cluster.outlier() != null) {
      groups = LocalityPriorities.assign(own, groups);
    }
    TreeMap<Integer, List<ClusterModel.Address>> byPriority = new TreeMap<>();
    Set<ClusterModel.Address> all = new HashSet<>();
    for (ClusterModel.LocalityGroup g : groups) {
      byPriority.computeIfAbsent(g.priority(), p -> new ArrayList<>()).addAll(g.endpoints());
      all.addAll(g.endpoints());
    }
    active.retainOnly(all);
    List<Picker> levels = new ArrayList<>();
    for (List<ClusterModel.Address> level : byPriority.values()) {
      if (level.stream().anyMatch(ClusterModel.Address::healthy)) {
        levels.add(Pickers.forPolicy(cluster, level, active, random));
      }
    }
    return new PriorityPicker(levels.toArray(Picker[]::new));
  }

  @Override
  public ClusterModel.Address pick(PickContext ctx) {
    for (Picker level : levels) {
      ClusterModel.Address a = level.pick(ctx);
      if (a != null) {
        return a;
      }
    }
    return null;
  }

  /** Number of priorities with a healthy endpoint, for tests and stats. */
  int levels() {
    return levels.length;
  }
}
