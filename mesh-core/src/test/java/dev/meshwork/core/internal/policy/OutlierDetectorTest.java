package dev.meshwork.core.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.model.ClusterModel.Address;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {
  static final Address A = new Address("10.0.0.1", 8080, 1, true);
  static final Address B = new Address("10.0.0.2", 8080, 1, true);
  static final Address C = new Address("10.0.0.3", 8080, 1, true);
  static final Address D = new Address("10.0.0.4", 8080, 1, true);

  final FakeClock clock = new FakeClock();
  final AtomicInteger changes = new AtomicInteger();

  /** interval 10 s, base ejection 30 s, max ejection 300 s. */
  OutlierDetector detector(int consecutive5xx, int consecutiveGateway, int maxEjectionPercent, Address... hosts) {
    return detector(consecutive5xx, consecutiveGateway, maxEjectionPercent, Duration.ofSeconds(300), hosts);
  }

  OutlierDetector detector(int consecutive5xx, int consecutiveGateway, int maxEjectionPercent, Duration max,
      Address... hosts) {
    OutlierDetector d = new OutlierDetector(new ClusterModel.Outlier(consecutive5xx, consecutiveGateway,
        Duration.ofSeconds(10), Duration.ofSeconds(30), max, maxEjectionPercent), clock, changes::incrementAndGet);
    d.setHosts(List.of(hosts));
    return d;
  }

  static void fail(OutlierDetector d, Address a, int times, AttemptOutcome outcome) {
    for (int i = 0; i < times; i++) {
      d.onResult(a, outcome);
    }
  }

  @Test
  void ejectsAfterConsecutive5xx_notBefore() {
    OutlierDetector d = detector(5, 0, 100, A, B);
    fail(d, A, 4, AttemptOutcome.http(500));
    assertFalse(d.isEjected(A));
    d.onResult(A, AttemptOutcome.http(500));
    assertTrue(d.isEjected(A));
    assertFalse(d.isEjected(B));
    assertEquals(Set.of(A), d.ejected());
    assertEquals(1, changes.get());
    assertEquals(1, d.ejections(), "the ejection counter behind meshwork.outlier.ejections");
  }

  @Test
  void successOr4xxInBetween_resetsTheRun() {
    OutlierDetector d = detector(5, 0, 100, A, B);
    fail(d, A, 4, AttemptOutcome.http(503));
    d.onResult(A, AttemptOutcome.http(200));
    fail(d, A, 4, AttemptOutcome.reset());
    d.onResult(A, AttemptOutcome.http(404));
    fail(d, A, 4, AttemptOutcome.grpc(14));
    assertFalse(d.isEjected(A));
    d.onResult(A, AttemptOutcome.timeout());
    assertTrue(d.isEjected(A), "connect failures, resets, timeouts and gRPC UNAVAILABLE all count as 5xx");
  }

  @Test
  void gatewayFailures_ejectOnTheirOwnThreshold_andANonGateway5xxBreaksTheRun() {
    OutlierDetector d = detector(0, 3, 100, A, B);
    fail(d, A, 2, AttemptOutcome.connectFailure());
    d.onResult(A, AttemptOutcome.http(500));
    fail(d, A, 2, AttemptOutcome.http(502));
    assertFalse(d.isEjected(A));
    d.onResult(A, AttemptOutcome.timeout());
    assertTrue(d.isEjected(A));
  }

  @Test
  void readmitsAfterBaseEjectionTime_andSecondEjectionLastsTwiceAsLong() {
    OutlierDetector d = detector(5, 0, 100, A, B);
    fail(d, A, 5, AttemptOutcome.http(500));
    clock.advanceSeconds(29);
    assertTrue(d.isEjected(A));
    clock.advanceSeconds(1);
    assertFalse(d.isEjected(A), "back after base_ejection_time");
    assertEquals(2, changes.get());

    fail(d, A, 4, AttemptOutcome.http(500));
    assertFalse(d.isEjected(A), "counters restart when a host returns");
    d.onResult(A, AttemptOutcome.http(500));
    assertTrue(d.isEjected(A));
    clock.advanceSeconds(59);
    assertTrue(d.isEjected(A), "second ejection: 2 x base");
    clock.advanceSeconds(1);
    assertFalse(d.isEjected(A));
  }

  @Test
  void ejectionBackoff_decaysOneStepPerIntervalWithoutEjection() {
    OutlierDetector d = detector(1, 0, 100, A, B);
    d.onResult(A, AttemptOutcome.http(500)); // backoff 1, out 30 s
    clock.advanceSeconds(30);
    assertFalse(d.isEjected(A));
    clock.advanceSeconds(10); // one sweep with A healthy: backoff back to 0
    d.onResult(A, AttemptOutcome.http(500)); // backoff 1 again
    clock.advanceSeconds(30);
    assertFalse(d.isEjected(A), "lasted base, not 2 x base");
  }

  @Test
  void whileNothingIsEjected_picksAndSuccessesReadNoClock_andSkippedIntervalsStillDecayTheBackoff() {
    AtomicInteger reads = new AtomicInteger();
    OutlierDetector d = new OutlierDetector(new ClusterModel.Outlier(1, 0, Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(300), 100), () -> {
          reads.incrementAndGet();
          return clock.getAsLong();
        }, changes::incrementAndGet);
    d.setHosts(List.of(A, B));
    d.onResult(A, AttemptOutcome.http(500)); // backoff 1, out 30 s
    clock.advanceSeconds(30);
    assertFalse(d.isEjected(A), "a pick while a host is ejected sweeps");

    int before = reads.get();
    for (int i = 0; i < 100; i++) {
      assertFalse(d.isEjected(A));
      assertFalse(d.isEjected(B));
      d.onResult(i % 2 == 0 ? A : B, AttemptOutcome.http(200));
    }
    assertEquals(before, reads.get(), "the per-call path reads no clock while nothing is ejected");

    clock.advanceSeconds(50); // five intervals, A healthy, no sweep ran
    d.onResult(A, AttemptOutcome.http(500)); // the failure sweeps first: backoff 1 -> 0, then 1 again
    assertTrue(reads.get() > before, "a failure reads the clock");
    clock.advanceSeconds(29);
    assertTrue(d.isEjected(A));
    clock.advanceSeconds(1);
    assertFalse(d.isEjected(A), "lasted base, not 2 x base: the skipped intervals decayed the backoff");
  }

  @Test
  void ejectionTime_cappedByMaxEjectionTime() {
    OutlierDetector d = detector(1, 0, 100, Duration.ofSeconds(60), A, B);
    long[] expectedSeconds = {30, 60, 60, 60};
    for (long seconds : expectedSeconds) {
      d.onResult(A, AttemptOutcome.http(500));
      assertTrue(d.isEjected(A));
      clock.advanceSeconds(seconds - 1);
      assertTrue(d.isEjected(A), "still out before " + seconds + " s");
      clock.advanceSeconds(1);
      assertFalse(d.isEjected(A), "back after " + seconds + " s");
    }
  }

  @Test
  void maxEjectionPercent_boundsTheShareAfterEjection() {
    OutlierDetector d = detector(1, 0, 50, A, B, C, D);
    d.onResult(A, AttemptOutcome.http(500)); // 1 of 4 = 25% <= 50%
    d.onResult(B, AttemptOutcome.http(500)); // 2 of 4 = 50% <= 50%
    d.onResult(C, AttemptOutcome.http(500)); // 3 of 4 = 75%: stays
    assertEquals(Set.of(A, B), d.ejected());
  }

  @Test
  void smallCluster_ejectsNothingUnderTheDefaultTenPercent_unlessAlwaysEjectOneHost() {
    OutlierDetector d = detector(1, 0, 10, A, B, C);
    d.onResult(A, AttemptOutcome.http(500));
    assertEquals(Set.of(), d.ejected(), "1 of 3 is above 10% (current Envoy)");

    OutlierDetector one = new OutlierDetector(new ClusterModel.Outlier(1, 0, Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(300), 10), true, clock, () -> { });
    one.setHosts(List.of(A, B, C));
    one.onResult(A, AttemptOutcome.http(500));
    one.onResult(B, AttemptOutcome.http(500));
    assertEquals(Set.of(A), one.ejected(), "always_eject_one_host: one, then the percent applies");
  }

  @Test
  void overflowedEjection_needsAFreshRunToRetry() {
    OutlierDetector d = detector(2, 0, 50, A, B);
    fail(d, A, 2, AttemptOutcome.http(500));
    fail(d, B, 2, AttemptOutcome.http(500)); // refused: 2 of 2 would be 100%
    assertFalse(d.isEjected(B));
    clock.advanceSeconds(30);
    assertFalse(d.isEjected(A));
    d.onResult(B, AttemptOutcome.http(500));
    assertFalse(d.isEjected(B), "the refused run was reset, as Envoy resets it");
    d.onResult(B, AttemptOutcome.http(500));
    assertTrue(d.isEjected(B));
  }

  @Test
  void setHosts_forgetsRemovedHosts_keepsStateByIpPort_andIgnoresUnknownAddresses() {
    OutlierDetector d = detector(1, 0, 50, A, B);
    d.onResult(A, AttemptOutcome.http(500));
    Address reweightedA = new Address(A.ip(), A.port(), 5, true);
    d.setHosts(List.of(reweightedA, B));
    assertTrue(d.isEjected(reweightedA), "same endpoint, new weight: still ejected");

    d.setHosts(List.of(B, C));
    assertEquals(Set.of(), d.ejected());
    d.onResult(B, AttemptOutcome.http(500));
    assertTrue(d.isEjected(B), "A's removal freed the ejection share");

    d.onResult(D, AttemptOutcome.http(500));
    assertFalse(d.isEjected(D));
    d.setHosts(List.of(A, B, C));
    assertFalse(d.isEjected(A), "a host that comes back starts clean");
  }

  @Test
  void explicitTick_unejectsOnTheSameSchedule() {
    OutlierDetector d = detector(1, 0, 100, A, B);
    d.onResult(A, AttemptOutcome.http(500));
    int before = changes.get();
    for (int i = 0; i < 3; i++) {
      clock.advanceSeconds(10);
      d.tick();
      d.tick(); // a second tick within the same interval does nothing
    }
    assertEquals(before + 1, changes.get(), "un-ejected by the tick at 30 s");
    assertFalse(d.isEjected(A));
  }
}
