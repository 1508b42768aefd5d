package dev.meshwork.core.internal.lb;

import static dev.meshwork.core.internal.lb.Endpoints.counts;
import static dev.meshwork.core.internal.lb.Endpoints.ep;
import static dev.meshwork.core.internal.lb.Endpoints.eps;
import static dev.meshwork.core.internal.lb.Endpoints.except;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoundRobinPickerTest {
  private final Randomness random = Randomness.seeded(7);

  @Test
  void equalWeights_exactlyEvenOverWholeCycles() {
    Map<ClusterModel.Address, Integer> c = counts(new RoundRobinPicker(eps(3), random), 300, PickContext.DEFAULT);
    assertEquals(Map.of(ep(0), 100, ep(1), 100, ep(2), 100), c);
  }

  @Test
  void weights_3to1_interleavedNotBunched() {
    ClusterModel.Address a = ep(0, 3);
    ClusterModel.Address b = ep(1, 1);
    assertArrayEquals(new int[] {0, 0, 1, 0}, RoundRobinPicker.schedule(new ClusterModel.Address[] {a, b}));
    assertEquals(Map.of(a, 300, b, 100), counts(new RoundRobinPicker(List.of(a, b), random), 400, PickContext.DEFAULT));
  }

  @Test
  void hugeWeights_areScaledDownKeepingProportions() {
    ClusterModel.Address a = ep(0, 3_000_000);
    ClusterModel.Address b = ep(1, 1_000_001);
    int[] s = RoundRobinPicker.schedule(new ClusterModel.Address[] {a, b});
    long aSlots = java.util.Arrays.stream(s).filter(i -> i == 0).count();
    assertEquals(0.75, aSlots / (double) s.length, 0.001);
  }

  @Test
  void unusableEndpoint_isSkipped_restShareEvenly() {
    Map<ClusterModel.Address, Integer> c = counts(new RoundRobinPicker(eps(4), random), 3000, except(ep(1)));
    assertNull(c.get(ep(1)));
    c.values().forEach(n -> assertEquals(1000, n, 100));
  }

  @Test
  void nothingUsableOrHealthy_isNull() {
    assertNull(new RoundRobinPicker(eps(2), random).pick(except(ep(0), ep(1))));
    assertNull(new RoundRobinPicker(List.of(new ClusterModel.Address("10.0.0.1", 80, 1, false)), random).pick(PickContext.DEFAULT));
    assertNull(new RoundRobinPicker(List.of(), random).pick(PickContext.DEFAULT));
  }

  @Test
  void concurrentPicks_stayExactlyEven() throws Exception {
    RoundRobinPicker p = new RoundRobinPicker(eps(3), random);
    Map<ClusterModel.Address, AtomicInteger> c = new ConcurrentHashMap<>();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 3_000; i++) {
          c.computeIfAbsent(p.pick(PickContext.DEFAULT), k -> new AtomicInteger()).incrementAndGet();
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    c.values().forEach(n -> assertEquals(4_000, n.get()));
  }
}
