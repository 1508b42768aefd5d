package dev.meshwork.core.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.model.Matchers;
import dev.meshwork.core.internal.model.RouteModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {
  static final TestRequest PLAIN = TestRequest.get(Map.of());
  static final int N = 100_000;

  /** Fails the test if a decision draws randomness it should not need. */
  static final RandomGenerator NO_DRAWS = () -> {
    throw new AssertionError("no random draw expected");
  };

  static FaultInjector fault(Duration delay, int delayPerMillion, int abortHttp, int abortGrpc, int abortPerMillion,
      Matchers.HeaderMatcher... headers) {
    return new FaultInjector(new RouteModel.Fault(delay, delayPerMillion, abortHttp, abortGrpc, abortPerMillion,
        List.of(headers)));
  }

  @Test
  void fullFractions_alwaysApply_withoutDrawing() {
    FaultDecision d = fault(Duration.ofMillis(500), 1_000_000, 503, -1, 1_000_000).decide(PLAIN, NO_DRAWS);
    assertEquals(Duration.ofMillis(500), d.delay());
    assertEquals(503, d.abortHttpStatus());
    assertTrue(d.hasDelay() && d.hasAbort());
  }

  @Test
  void fractions_observedWithinHalfAPoint_andIndependent() {
    FaultInjector f = fault(Duration.ofSeconds(1), 250_000, 0, 14, 100_000);
    SplittableRandom random = new SplittableRandom(42);
    int delayed = 0;
    int aborted = 0;
    int both = 0;
    for (int i = 0; i < N; i++) {
      FaultDecision d = f.decide(PLAIN, random);
      delayed += d.hasDelay() ? 1 : 0;
      aborted += d.hasAbort() ? 1 : 0;
      both += d.hasDelay() && d.hasAbort() ? 1 : 0;
      if (d.hasAbort()) {
        assertEquals(14, d.abortGrpcStatus());
      }
    }
    assertEquals(0.25, delayed / (double) N, 0.005);
    assertEquals(0.10, aborted / (double) N, 0.005);
    assertEquals(0.025, both / (double) N, 0.003);
  }

  @Test
  void headerMatchers_scopeTheFault() {
    Matchers.HeaderMatcher canary = new Matchers.HeaderMatcher("x-canary", new Matchers.Exact("true", false), true,
        false, false);
    FaultInjector f = fault(null, 0, 500, -1, 1_000_000, canary);
    assertSame(FaultDecision.NONE, f.decide(PLAIN, NO_DRAWS));
    assertSame(FaultDecision.NONE, f.decide(TestRequest.get(Map.of("x-canary", "false")), NO_DRAWS));
    assertEquals(500, f.decide(TestRequest.get(Map.of("x-canary", "true")), NO_DRAWS).abortHttpStatus());
  }

  @Test
  void missingDelayOrAbort_neverInjected_whateverTheFraction() {
    FaultDecision d = fault(null, 1_000_000, 0, -1, 1_000_000).decide(PLAIN, NO_DRAWS);
    assertSame(FaultDecision.NONE, d);
    assertFalse(d.hasDelay());
    assertFalse(d.hasAbort());
  }

  @Test
  void decisions_areSharedInstances() {
    FaultInjector f = fault(Duration.ofMillis(5), 1_000_000, 0, -1, 0);
    assertSame(f.decide(PLAIN, NO_DRAWS), f.decide(PLAIN, NO_DRAWS));
  }
}
