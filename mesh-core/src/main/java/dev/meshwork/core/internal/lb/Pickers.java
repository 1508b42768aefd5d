package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.List;

/** The picker for a cluster's load-balancing policy over one set of endpoints. */
public final class Pickers {
  private Pickers() {}

  /**
   * @param active in-flight counts of the cluster, read by LEAST_REQUEST
   */
  public static Picker forPolicy(ClusterModel.Cluster cluster, List<ClusterModel.Address> endpoints,
      ActiveRequests active, Randomness random) {
    return switch (cluster.lbPolicy()) {
      case ROUND_ROBIN -> new RoundRobinPicker(endpoints, random);
      case LEAST_REQUEST -> new LeastRequestPicker(endpoints, cluster.leastRequestChoices(), active, random);
      case RANDOM -> new RandomPicker(endpoints, random);
      case RING_HASH -> new RingHashPicker(endpoints, cluster.minRingSize(), cluster.maxRingSize(), random);
      case MAGLEV -> new MaglevPicker(endpoints, random);
    };
  }
}
