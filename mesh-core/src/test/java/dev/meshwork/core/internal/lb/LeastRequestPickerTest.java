package dev.meshwork.core.internal.lb;

import static dev.meshwork.core.internal.lb.Endpoints.counts;
import static dev.meshwork.core.internal.lb.Endpoints.ep;
import static dev.meshwork.core.internal.lb.Endpoints.eps;
import static dev.meshwork.core.internal.lb.Endpoints.except;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeastRequestPickerTest {
  private final Randomness random = Randomness.seeded(11);
  private final ActiveRequests active = new ActiveRequests();

  @Test
  void powerOfTwo_prefersTheLessLoaded() {
    for (int i = 0; i < 10; i++) {
      active.begin(ep(0));
    }
    Map<ClusterModel.Address, Integer> c = counts(new LeastRequestPicker(eps(2), 2, active, random), 4000, PickContext.DEFAULT);
    // ep(0) only wins when both samples are ep(0): a quarter of picks.
    assertEquals(0.25, c.get(ep(0)) / 4000.0, 0.03);
  }

  @Test
  void inFlightCounter_survivesAnEndpointUpdate_andItsEndCountsItOut() {
    java.util.concurrent.atomic.AtomicInteger c = active.begin(ep(2));
    active.retainOnly(Set.of(ep(0))); // ep(2) left the cluster while its request is in flight
    assertEquals(1, active.active(ep(2)), "a busy counter is kept");
    ActiveRequests.end(c);
    assertEquals(0, active.active(ep(2)));
    active.retainOnly(Set.of(ep(0)));
    assertEquals(0, active.active(ep(2)));
    assertEquals(1, active.begin(ep(2)).get(), "a departed endpoint that returns starts from its own requests");
  }

  @Test
  void idleEndpoints_shareEvenly_andFinishedRequestsCountNoMore() {
    active.begin(ep(1));
    active.end(ep(1));
    active.end(ep(1)); // an extra end never goes negative
    assertEquals(0, active.active(ep(1)));
    Map<ClusterModel.Address, Integer> c = counts(new LeastRequestPicker(eps(4), 2, active, random), 4000, PickContext.DEFAULT);
    c.values().forEach(n -> assertEquals(1000, n, 120));
  }

  @Test
  void loadIsComparedPerUnitOfWeight() {
    ClusterModel.Address heavy = ep(0, 4);
    ClusterModel.Address light = ep(1, 1);
    for (int i = 0; i < 3; i++) {
      active.begin(heavy); // 3 / 4 < 1 / 1
    }
    active.begin(light);
    LeastRequestPicker p = new LeastRequestPicker(List.of(heavy, light), 2, active, random);
    Map<ClusterModel.Address, Integer> c = counts(p, 2000, PickContext.DEFAULT);
    assertEquals(2000, c.get(heavy) + c.getOrDefault(light, 0));
    // light wins only when sampled twice: (1/5)^2 = 4%.
    assertEquals(0.04, c.getOrDefault(light, 0) / 2000.0, 0.02);
  }

  @Test
  void usablePredicate_respected_andNullWhenNothingUsable() {
    LeastRequestPicker p = new LeastRequestPicker(eps(3), 2, active, random);
    Map<ClusterModel.Address, Integer> c = counts(p, 1000, except(ep(0), ep(1)));
    assertEquals(Map.of(ep(2), 1000), c);
    assertNull(p.pick(except(ep(0), ep(1), ep(2))));
  }

  @Test
  void retainOnly_dropsIdleCountersOfDepartedEndpoints() {
    active.begin(ep(0));
    active.begin(ep(1));
    active.end(ep(1));
    active.retainOnly(Set.of(ep(2)));
    assertEquals(1, active.active(ep(0)), "busy counters stay until their requests end");
    active.end(ep(0));
    assertTrue(active.active(ep(1)) == 0);
  }
}
