package dev.meshwork.core.internal.lb;

import static dev.meshwork.core.internal.lb.Endpoints.cluster;
import static dev.meshwork.core.internal.lb.Endpoints.counts;
import static dev.meshwork.core.internal.lb.Endpoints.ep;
import static dev.meshwork.core.internal.lb.Endpoints.except;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PriorityPickerTest {
  private final Randomness random = Randomness.seeded(13);
  private final ActiveRequests active = new ActiveRequests();

  private static ClusterModel.LocalityGroup group(String region, String zone, String sub, int priority, ClusterModel.Address... eps) {
    return new ClusterModel.LocalityGroup(region, zone, sub, priority, 1, List.of(eps));
  }

  private PriorityPicker build(ClusterModel.LbPolicy policy, boolean outlier, ClusterModel.Locality own,
      ClusterModel.LocalityGroup... groups) {
    return PriorityPicker.build(cluster(policy, outlier), new ClusterModel.Endpoints("c", List.of(groups)), own, active, random);
  }

  @Test
  void traffic_goesToLowestPriorityWithUsableEndpoint_andFailsBack() {
    PriorityPicker p = build(ClusterModel.LbPolicy.ROUND_ROBIN, false, null,
        group("us", "a", "", 1, ep(2)),
        group("eu", "a", "", 0, ep(0), ep(1)));
    assertEquals(Map.of(ep(0), 50, ep(1), 50), counts(p, 100, PickContext.DEFAULT));
    assertEquals(Map.of(ep(1), 100), counts(p, 100, except(ep(0))));
    assertEquals(Map.of(ep(2), 100), counts(p, 100, except(ep(0), ep(1))), "failover to priority 1");
    assertEquals(Map.of(ep(0), 50, ep(1), 50), counts(p, 100, PickContext.DEFAULT), "fail-back at once");
    assertNull(p.pick(except(ep(0), ep(1), ep(2))));
  }

  @Test
  void priorityWithOnlyUnhealthyEndpoints_isSkipped() {
    ClusterModel.Address sick = new ClusterModel.Address("10.9.9.9", 80, 1, false);
    PriorityPicker p = build(ClusterModel.LbPolicy.RANDOM, false, null,
        group("eu", "a", "", 0, sick), group("eu", "b", "", 1, ep(1)));
    assertEquals(1, p.levels());
    assertEquals(Map.of(ep(1), 20), counts(p, 20, PickContext.DEFAULT));
  }

  @Test
  void ownLocality_derivesIstioFailoverPriorities_whenOutlierDetectionIsOn() {
    ClusterModel.Locality own = new ClusterModel.Locality("eu", "eu-1", "rack1");
    ClusterModel.LocalityGroup[] groups = {
        group("us", "us-1", "", 0, ep(0)),
        group("eu", "eu-2", "", 0, ep(1)),
        group("eu", "eu-1", "rack2", 0, ep(2)),
        group("eu", "eu-1", "rack1", 0, ep(3))};
    PriorityPicker p = build(ClusterModel.LbPolicy.ROUND_ROBIN, true, own, groups);
    assertEquals(Map.of(ep(3), 10), counts(p, 10, PickContext.DEFAULT));
    assertEquals(Map.of(ep(2), 10), counts(p, 10, except(ep(3))));
    assertEquals(Map.of(ep(1), 10), counts(p, 10, except(ep(3), ep(2))));
    assertEquals(Map.of(ep(0), 10), counts(p, 10, except(ep(3), ep(2), ep(1))));
    // Without outlier detection (Istio's rule) or without our own locality: one pool.
    assertEquals(4, counts(build(ClusterModel.LbPolicy.ROUND_ROBIN, false, own, groups), 40, PickContext.DEFAULT).size());
    assertEquals(4, counts(build(ClusterModel.LbPolicy.ROUND_ROBIN, true, null, groups), 40, PickContext.DEFAULT).size());
  }

  @Test
  void edsPriorities_areKeptWhenTheControlPlaneSetsThem() {
    PriorityPicker p = build(ClusterModel.LbPolicy.ROUND_ROBIN, true, new ClusterModel.Locality("us", "us-1", ""),
        group("us", "us-1", "", 1, ep(0)), group("eu", "eu-1", "", 0, ep(1)));
    assertEquals(Map.of(ep(1), 10), counts(p, 10, PickContext.DEFAULT));
  }

  @Test
  void localityPriorities_assign() {
    ClusterModel.Locality own = new ClusterModel.Locality("r", "z", "s");
    List<ClusterModel.LocalityGroup> out = LocalityPriorities.assign(own, List.of(
        group("r", "z", "s", 0), group("r", "z", "t", 0), group("r", "y", "s", 0), group("q", "z", "s", 0)));
    assertEquals(List.of(0, 1, 2, 3), out.stream().map(ClusterModel.LocalityGroup::priority).toList());
  }

  @Test
  void hashPolicies_failOverWithTheSameKey() {
    PriorityPicker p = build(ClusterModel.LbPolicy.RING_HASH, false, null,
        group("a", "", "", 0, ep(0), ep(1)), group("b", "", "", 1, ep(2), ep(3)));
    PickContext key = Endpoints.hashed(42);
    ClusterModel.Address first = p.pick(key);
    assertTrue(Set.of(ep(0), ep(1)).contains(first));
    assertEquals(first, p.pick(key));
    PickContext levelZeroDown = new PickContext(42, a -> a.equals(ep(2)) || a.equals(ep(3)));
    ClusterModel.Address failover = p.pick(levelZeroDown);
    assertTrue(Set.of(ep(2), ep(3)).contains(failover));
    assertEquals(failover, p.pick(levelZeroDown), "sticky within the failover priority too");
  }

  @Test
  void build_dropsIdleCountersOfDepartedEndpoints() {
    active.begin(ep(7));
    active.end(ep(7));
    active.begin(ep(8));
    build(ClusterModel.LbPolicy.LEAST_REQUEST, false, null, group("a", "", "", 0, ep(0)));
    assertEquals(1, active.active(ep(8)));
    assertEquals(Set.of(ep(0)), counts(build(ClusterModel.LbPolicy.LEAST_REQUEST, false, null,
        group("a", "", "", 0, ep(0))), 5, PickContext.DEFAULT).keySet());
  }
}
