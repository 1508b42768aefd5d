package dev.meshwork.core.internal.engine;

import dev.meshwork.core.internal.lb.ActiveRequests;
import dev.meshwork.core.internal.lb.PickContext;
import dev.meshwork.core.internal.lb.Picker;
import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.policy.ClusterCircuitBreaker;
import dev.meshwork.core.internal.policy.OutlierDetector;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Everything the call path needs of one cluster at one config version: immutable except for the
 * policy objects' own counters, which live as long as the cluster's config does.
 *
 * @param outlier null when the cluster has no outlier detection
 * @param endpointCount endpoints in the assignment, for error messages
 */
record ClusterState(ClusterModel.Cluster config, Picker picker, ActiveRequests active, ClusterCircuitBreaker breaker,
    OutlierDetector outlier, int endpointCount) {

  /** Whether the picker reads {@link #active} (LEAST_REQUEST), so attempts must be counted in it. */
  boolean leastRequest() {
    return config.lbPolicy() == ClusterModel.LbPolicy.LEAST_REQUEST;
  }

  /** An endpoint that is not ejected and (when asked) not tried before; null when none is. */
  ClusterModel.Address pick(long hash, Set<ClusterModel.Address> exclude) {
    Predicate<ClusterModel.Address> usable;
    if (exclude == null || exclude.isEmpty()) {
      usable = outlier == null ? PickContext.ANY : outlier.notEjected();
    } else {
      usable = a -> (outlier == null || !outlier.isEjected(a)) && (exclude == null || !exclude.contains(a));
    }
    ClusterModel.Address a = picker.pick(hash == PickContext.NO_HASH && usable == PickContext.ANY
        ? PickContext.DEFAULT : new PickContext(hash, usable));
    if (a == null && exclude != null && !exclude.isEmpty()) {
      // Envoy's previous_hosts predicate gives up after a few tries and reuses a host rather than fail.
      return pick(hash, null);
    }
    return a;
  }
}
