package dev.meshwork.core.internal.lb;

import static dev.meshwork.core.internal.lb.ConsistentHashing.assign;
import static dev.meshwork.core.internal.lb.ConsistentHashing.keys;
import static dev.meshwork.core.internal.lb.Endpoints.counts;
import static dev.meshwork.core.internal.lb.Endpoints.ep;
import static dev.meshwork.core.internal.lb.Endpoints.eps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RingHashPickerTest {
  private final Randomness random = Randomness.seeded(5);

  private RingHashPicker ring(List<ClusterModel.Address> eps) {
    return new RingHashPicker(eps, 1024, 8 * 1024 * 1024, random);
  }

  @Test
  void sameKey_sameEndpoint_whateverTheEdsOrder() {
    List<ClusterModel.Address> shuffled = new ArrayList<>(eps(6));
    Collections.shuffle(shuffled, new java.util.Random(1));
    long[] keys = keys(2000);
    assertArrayEquals(assign(ring(eps(6)), keys), assign(ring(shuffled), keys));
  }

  @Test
  void keysSpreadEvenly() {
    Map<ClusterModel.Address, Integer> c = new HashMap<>();
    for (ClusterModel.Address a : assign(ring(eps(8)), keys(80_000))) {
      c.merge(a, 1, Integer::sum);
    }
    assertEquals(8, c.size());
    c.values().forEach(n -> assertEquals(10_000, n, 2_500));
  }

  @Test
  void removingOneOfTen_movesOnlyItsKeys() {
    double[] r = ConsistentHashing.remap(this::ring, eps(10), ep(3), keys(20_000));
    assertTrue(r[0] >= 0.88, "kept " + r[0]);
    assertEquals(0.0, r[1], "no key moved between the remaining endpoints");
  }

  @Test
  void ringSize_isAFixedCountPerEndpoint_independentOfHowManyThereAre() {
    assertEquals(3 * 128, ring(eps(3)).size(), "minRingSize / 8 points each");
    assertEquals(8 * 128, ring(eps(8)).size());
    assertEquals(10 * 128, ring(eps(10)).size());
    assertEquals(4 * 8, new RingHashPicker(eps(4), 64, 100, random).size());
    assertEquals(100, new RingHashPicker(eps(40), 1024, 100, random).size(), "capped by maxRingSize");
  }

  @Test
  void removingOneOfFour_movesOnlyItsKeys() {
    double[] r = ConsistentHashing.remap(this::ring, eps(4), ep(2), keys(20_000));
    assertEquals(0.0, r[1], "no key moved between the remaining endpoints");
  }

  @Test
  void weights_giveProportionalKeys() {
    ClusterModel.Address heavy = ep(0, 3);
    Map<ClusterModel.Address, Integer> c = new HashMap<>();
    for (ClusterModel.Address a : assign(ring(List.of(heavy, ep(1))), keys(40_000))) {
      c.merge(a, 1, Integer::sum);
    }
    assertEquals(0.75, c.get(heavy) / 40_000.0, 0.05);
  }

  @Test
  void unusableEndpoint_keysGoToNeighbours_andComeBack() {
    RingHashPicker p = ring(eps(5));
    long[] keys = keys(5000);
    ClusterModel.Address[] before = assign(p, keys);
    for (int i = 0; i < keys.length; i++) {
      ClusterModel.Address a = p.pick(new PickContext(keys[i], x -> !x.equals(ep(2))));
      assertNotEquals(ep(2), a);
      if (!before[i].equals(ep(2))) {
        assertEquals(before[i], a, "keys of usable endpoints stay");
      }
    }
    assertArrayEquals(before, assign(p, keys), "fail-back: same picker, ep(2) usable again");
    assertNull(p.pick(new PickContext(keys[0], x -> false)));
  }

  @Test
  void withoutHash_picksAtRandom() {
    Map<ClusterModel.Address, Integer> c = counts(ring(eps(4)), 4000, PickContext.DEFAULT);
    assertEquals(4, c.size());
    c.values().forEach(n -> assertEquals(1000, n, 250));
    assertNull(ring(List.of()).pick(PickContext.DEFAULT));
  }
}
