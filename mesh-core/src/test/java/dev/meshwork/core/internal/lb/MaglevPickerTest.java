package dev.meshwork.core.internal.lb;

import static dev.meshwork.core.internal.lb.ConsistentHashing.assign;
import static dev.meshwork.core.internal.lb.ConsistentHashing.keys;
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

class MaglevPickerTest {
  private final Randomness random = Randomness.seeded(9);

  private MaglevPicker maglev(List<ClusterModel.Address> eps) {
    return new MaglevPicker(eps, random);
  }

  private static Map<ClusterModel.Address, Integer> tally(ClusterModel.Address[] picks) {
    Map<ClusterModel.Address, Integer> c = new HashMap<>();
    for (ClusterModel.Address a : picks) {
      c.merge(a, 1, Integer::sum);
    }
    return c;
  }

  @Test
  void sameKey_sameEndpoint_whateverTheEdsOrder() {
    List<ClusterModel.Address> shuffled = new ArrayList<>(eps(7));
    Collections.shuffle(shuffled, new java.util.Random(2));
    long[] keys = keys(2000);
    assertArrayEquals(assign(maglev(eps(7)), keys), assign(maglev(shuffled), keys));
  }

  @Test
  void tableSpreadsKeysVeryEvenly() {
    Map<ClusterModel.Address, Integer> c = tally(assign(maglev(eps(8)), keys(80_000)));
    assertEquals(8, c.size());
    c.values().forEach(n -> assertEquals(10_000, n, 600));
  }

  @Test
  void removingOneOfTen_keepsAlmostAllOtherKeys() {
    double[] r = ConsistentHashing.remap(this::maglev, eps(10), ep(3), keys(20_000));
    assertTrue(r[0] >= 0.85, "kept " + r[0]);
    assertTrue(r[1] <= 0.05, "moved between remaining endpoints " + r[1]);
  }

  @Test
  void weights_takeSlotsInProportion() {
    ClusterModel.Address heavy = ep(0, 2);
    Map<ClusterModel.Address, Integer> c = tally(assign(maglev(List.of(heavy, ep(1))), keys(30_000)));
    assertEquals(2.0 / 3, c.get(heavy) / 30_000.0, 0.02);
  }

  @Test
  void unusableEndpoint_fallsThrough_othersUnaffected_nullWhenNone() {
    MaglevPicker p = maglev(eps(5));
    long[] keys = keys(3000);
    ClusterModel.Address[] before = assign(p, keys);
    for (int i = 0; i < keys.length; i++) {
      ClusterModel.Address a = p.pick(new PickContext(keys[i], x -> !x.equals(ep(1))));
      assertNotEquals(ep(1), a);
      if (!before[i].equals(ep(1))) {
        assertEquals(before[i], a);
      }
    }
    assertNull(p.pick(new PickContext(1, x -> false)));
    assertNull(maglev(List.of()).pick(PickContext.DEFAULT));
  }
}
