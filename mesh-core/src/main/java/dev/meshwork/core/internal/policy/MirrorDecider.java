package dev.meshwork.core.internal.policy;

import dev.meshwork.core.internal.model.RouteModel;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Envoy's {@code request_mirror_policies} for one route: which clusters get a fire-and-forget
 * copy of a request, each sampled independently with its per-million fraction. Immutable and
 * thread-safe; allocates only when a route has several mirrors and some fire.
 */
public final class MirrorDecider {
  /** A route without mirrors. */
  public static final MirrorDecider NONE = new MirrorDecider(List.of());

  private final String[] clusters;
  private final int[] perMillion;
  /** The answer for a single mirror that fires, shared. */
  private final List<String> all;

  public MirrorDecider(List<RouteModel.Mirror> mirrors) {
    clusters = new String[mirrors.size()];
    perMillion = new int[mirrors.size()];
    for (int i = 0; i < clusters.length; i++) {
      clusters[i] = mirrors.get(i).cluster();
      perMillion[i] = mirrors.get(i).perMillion();
    }
    all = List.of(clusters);
  }

  public boolean isEmpty() {
    return clusters.length == 0;
  }

  /** The clusters to mirror this request to, in config order; empty when none. */
  public List<String> decide(RandomGenerator random) {
    if (clusters.length == 1) {
      // The usual shape (one mirror): answer with shared lists, no allocation.
      return Fractions.sample(perMillion[0], random) ? all : List.of();
    }
    List<String> picked = null;
    for (int i = 0; i < clusters.length; i++) {
      if (Fractions.sample(perMillion[i], random)) {
        if (picked == null) {
          picked = new ArrayList<>(clusters.length - i);
        }
        picked.add(clusters[i]);
      }
    }
    return picked == null ? List.of() : picked;
  }
}
