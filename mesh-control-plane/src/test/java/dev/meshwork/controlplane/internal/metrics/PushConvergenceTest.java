package dev.meshwork.controlplane.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PushConvergenceTest {
  static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  final AtomicLong now = new AtomicLong(1_000);
  final List<Long> samples = new ArrayList<>();
  final List<Boolean> nackedFlags = new ArrayList<>();
  int timeouts;
  final Set<Long> open = new HashSet<>(Set.of(1L, 2L, 3L));
  final PushConvergence convergence = new PushConvergence(now::get, TimeUnit.SECONDS.toNanos(30),
      new PushConvergence.Outcome() {
        @Override
        public void converged(long nanos, boolean nacked) {
          samples.add(nanos);
          nackedFlags.add(nacked);
        }

        @Override
        public void timedOut() {
          timeouts++;
        }
      });

  PushConvergence.Push push(String ldsVersion, Map<String, List<Long>> expected) {
    return convergence.begin(Map.of(LDS, ldsVersion, CDS, "c1"), Set.of(LDS), expected, open::contains);
  }

  @Test
  void ackedByEverySubscriber_recordsOneSampleOfTheTimeToTheLastAck() {
    push("v2", Map.of(LDS, List.of(1L, 2L))).seal();
    now.addAndGet(5_000);
    convergence.acked(1, LDS, "v2");
    assertEquals(List.of(), samples, "one client still owes its ACK");
    now.addAndGet(7_000);
    convergence.acked(2, LDS, "v2");
    convergence.acked(2, LDS, "v2"); // a repeated ACK changes nothing
    assertEquals(List.of(12_000L), samples);
    assertEquals(List.of(false), nackedFlags);
    assertEquals(0, convergence.inFlight());
  }

  @Test
  void ackOfAnotherVersionOrType_doesNotCount() {
    push("v2", Map.of(LDS, List.of(1L))).seal();
    convergence.acked(1, LDS, "v1");
    convergence.acked(1, CDS, "c1");
    assertEquals(List.of(), samples);
    convergence.acked(1, LDS, "v2");
    assertEquals(1, samples.size());
  }

  @Test
  void nackAndDisconnect_resolveTheirClients_andTheNackIsFlagged() {
    push("v2", Map.of(LDS, List.of(1L, 2L, 3L))).seal();
    convergence.nacked(1, LDS, "v2");
    open.remove(2L);
    convergence.streamClosed(2);
    assertEquals(List.of(), samples);
    convergence.acked(3, LDS, "v2");
    assertEquals(1, samples.size());
    assertEquals(List.of(true), nackedFlags);
  }

  @Test
  void nobodyAnswering_isGivenUpAfterTheTimeout_withoutASample() {
    push("v2", Map.of(LDS, List.of(1L))).seal();
    now.addAndGet(TimeUnit.SECONDS.toNanos(29));
    convergence.expire();
    assertEquals(0, timeouts);
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    convergence.expire();
    convergence.expire();
    assertEquals(1, timeouts);
    convergence.acked(1, LDS, "v2"); // too late: nothing recorded
    assertEquals(List.of(), samples);
    assertEquals(0, convergence.inFlight());
  }

  @Test
  void ackOfANewerPush_resolvesTheOlderOneToo() {
    push("v2", Map.of(LDS, List.of(1L))).seal();
    now.addAndGet(1_000);
    push("v3", Map.of(LDS, List.of(1L))).seal();
    now.addAndGet(1_000);
    convergence.acked(1, LDS, "v3"); // the client never saw v2: it went straight to v3
    assertEquals(List.of(2_000L, 1_000L), samples);
  }

  @Test
  void notSealed_doesNotConvergeEarly_andDeltaReceiversBecomeExpected() {
    PushConvergence.Push p = push("v2", Map.of());
    convergence.responseSent(1, LDS, "v2"); // a delta stream was sent the change while publishing
    convergence.responseSent(2, CDS, "c1"); // unchanged type: not followed
    convergence.acked(1, LDS, "v2");
    assertEquals(List.of(), samples, "still being handed out");
    convergence.responseSent(3, LDS, "v2");
    p.seal();
    assertEquals(List.of(), samples);
    convergence.responseSent(2, LDS, "v2"); // after sealing: not expected any more
    convergence.acked(3, LDS, "v2");
    assertEquals(1, samples.size());
  }

  @Test
  void pushNobodySubscribedTo_convergesWithoutASample() {
    push("v2", Map.of(LDS, List.of())).seal();
    assertEquals(List.of(), samples);
    assertEquals(0, convergence.inFlight());
  }

  @Test
  void streamClosedBeforeThePushBegan_isNotWaitedFor() {
    open.remove(2L);
    push("v2", Map.of(LDS, List.of(1L, 2L))).seal();
    convergence.acked(1, LDS, "v2");
    assertEquals(1, samples.size());
    assertTrue(nackedFlags.stream().noneMatch(b -> b));
  }
}
