package dev.meshwork.core.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.model.RouteModel;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class MirrorDeciderTest {
  static final RandomGenerator NO_DRAWS = FaultInjectorTest.NO_DRAWS;

  @Test
  void singleMirror_fullOrZero_sharedAnswersWithoutDrawing() {
    MirrorDecider always = new MirrorDecider(List.of(new RouteModel.Mirror("shadow", 1_000_000)));
    assertEquals(List.of("shadow"), always.decide(NO_DRAWS));
    assertSame(always.decide(NO_DRAWS), always.decide(NO_DRAWS));
    assertEquals(List.of(), new MirrorDecider(List.of(new RouteModel.Mirror("shadow", 0))).decide(NO_DRAWS));
    assertTrue(MirrorDecider.NONE.isEmpty());
    assertEquals(List.of(), MirrorDecider.NONE.decide(NO_DRAWS));
  }

  @Test
  void mirrorFraction_25percent_observedWithinHalfAPoint() {
    MirrorDecider d = new MirrorDecider(List.of(new RouteModel.Mirror("shadow", 250_000)));
    SplittableRandom random = new SplittableRandom(1);
    int mirrored = 0;
    for (int i = 0; i < 100_000; i++) {
      mirrored += d.decide(random).size();
    }
    assertEquals(0.25, mirrored / 100_000.0, 0.005);
  }

  @Test
  void severalMirrors_sampledIndependently_inConfigOrder() {
    MirrorDecider d = new MirrorDecider(List.of(new RouteModel.Mirror("a", 500_000),
        new RouteModel.Mirror("b", 1_000_000), new RouteModel.Mirror("c", 100_000)));
    SplittableRandom random = new SplittableRandom(3);
    int a = 0;
    int c = 0;
    for (int i = 0; i < 100_000; i++) {
      List<String> picked = d.decide(random);
      assertTrue(picked.contains("b"));
      a += picked.contains("a") ? 1 : 0;
      c += picked.contains("c") ? 1 : 0;
      if (picked.size() == 3) {
        assertEquals(List.of("a", "b", "c"), picked);
      }
    }
    assertEquals(0.5, a / 100_000.0, 0.005);
    assertEquals(0.1, c / 100_000.0, 0.005);
  }
}
