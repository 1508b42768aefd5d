package dev.meshwork.core.internal.lb;

import static dev.meshwork.core.internal.lb.Endpoints.counts;
import static dev.meshwork.core.internal.lb.Endpoints.ep;
import static dev.meshwork.core.internal.lb.Endpoints.eps;
import static dev.meshwork.core.internal.lb.Endpoints.except;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomPickerTest {
  private final Randomness random = Randomness.seeded(3);

  @Test
  void weightedRandom_followsWeights() {
    ClusterModel.Address a = ep(0, 3);
    ClusterModel.Address b = ep(1, 1);
    Map<ClusterModel.Address, Integer> c = counts(new RandomPicker(List.of(a, b), random), 8000, PickContext.DEFAULT);
    assertEquals(0.75, c.get(a) / 8000.0, 0.02);
  }

  @Test
  void unusable_neverPicked_nullWhenNone() {
    RandomPicker p = new RandomPicker(eps(5), random);
    Map<ClusterModel.Address, Integer> c = counts(p, 2000, except(ep(0), ep(1), ep(2), ep(3)));
    assertEquals(Map.of(ep(4), 2000), c);
    assertNull(p.pick(except(ep(0), ep(1), ep(2), ep(3), ep(4))));
  }
}
