package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Istio's locality failover, derived on the client: priority 0 for localities in the client's
 * own region, zone and sub-zone; 1 for the same region and zone; 2 for the same region; 3 for any
 * other. (istiod computes this per proxy; our control plane sends every locality at priority 0
 * and leaves it to the client, which knows its own locality.) Istio's failover and
 * failoverPriority settings are not modelled. Stateless.
 */
public final class LocalityPriorities {
  private LocalityPriorities() {}

  /** The same groups, in the same order, with priorities relative to {@code own}. */
  public static List<ClusterModel.LocalityGroup> assign(ClusterModel.Locality own, List<ClusterModel.LocalityGroup> groups) {
    List<ClusterModel.LocalityGroup> out = new ArrayList<>(groups.size());
    for (ClusterModel.LocalityGroup g : groups) {
      out.add(g.withPriority(priority(own, g)));
    }
    return out;
  }

  static int priority(ClusterModel.Locality own, ClusterModel.LocalityGroup g) {
    if (!own.region().equals(g.region())) {
      return 3;
    }
    if (!own.zone().equals(g.zone())) {
      return 2;
    }
    return own.subZone().equals(g.subZone()) ? 0 : 1;
  }
}
