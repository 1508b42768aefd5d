package dev.meshwork.core.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.engine.MeshRejectedException;
import dev.meshwork.core.internal.model.ClusterModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClusterCircuitBreakerTest {
  static final String CLUSTER = "outbound|80||reviews";

  static ClusterCircuitBreaker breaker(long maxPending, long maxRequests, long maxRetries) {
    return new ClusterCircuitBreaker(CLUSTER, new ClusterModel.Thresholds(1024, maxPending, maxRequests, maxRetries), null);
  }

  @Test
  void failsFastAtMaxRequests_withMessageNamingClusterAndThreshold() {
    ClusterCircuitBreaker cb = breaker(1024, 100, 3);
    List<ClusterCircuitBreaker.Permit> permits = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ClusterCircuitBreaker.Permit p = cb.tryAcquire();
      assertNotNull(p, "permit " + i);
      permits.add(p);
    }
    assertNull(cb.tryAcquire());
    MeshRejectedException e = assertThrows(MeshRejectedException.class, cb::acquire);
    assertEquals(MeshRejectedException.Kind.CIRCUIT_OPEN, e.kind());
    assertEquals("circuit open: cluster outbound|80||reviews has 100 requests in flight (max_requests 100)",
        e.getMessage());

    permits.get(0).close();
    assertNotNull(cb.tryAcquire(), "a closed permit frees its slot");
    assertNull(cb.tryAcquire());
  }

  @Test
  void close_isIdempotent() {
    ClusterCircuitBreaker cb = breaker(1024, 2, 3);
    ClusterCircuitBreaker.Permit a = cb.tryAcquire();
    ClusterCircuitBreaker.Permit b = cb.tryAcquire();
    a.close();
    a.close();
    a.close();
    assertEquals(1, cb.activeRequests());
    assertNotNull(cb.tryAcquire());
    assertNull(cb.tryAcquire(), "double close must not free b's slot");
    b.close();
    assertEquals(1, cb.activeRequests());
  }

  @Test
  void maxPendingRequests_doesNotRefuse_noQueueInTheEngine() {
    // Envoy's "never queue": requests that need no pooled-connection wait still go through.
    ClusterCircuitBreaker cb = breaker(0, 100, 3);
    List<ClusterCircuitBreaker.Permit> permits = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      permits.add(cb.tryAcquire());
      assertNotNull(permits.get(i), "permit " + i);
    }
    assertEquals(100, cb.activeRequests());
    assertNull(cb.tryAcquire(), "max_requests still applies");
    permits.forEach(ClusterCircuitBreaker.Permit::close);
    assertEquals(0, cb.activeRequests());
  }

  @Test
  void retries_limitedByMaxRetries_andPermitsReturnOnce() {
    ClusterCircuitBreaker cb = breaker(1024, 1024, 3);
    ClusterCircuitBreaker.RetryPermit r1 = cb.tryAcquireRetry();
    assertNotNull(r1);
    assertNotNull(cb.tryAcquireRetry());
    assertNotNull(cb.tryAcquireRetry());
    assertNull(cb.tryAcquireRetry());
    r1.close();
    r1.close();
    assertNotNull(cb.tryAcquireRetry());
    assertNull(cb.tryAcquireRetry(), "double close returned one slot only");
  }

  @Test
  void retryBudget_countsRequestsTheBreakerAdmitted() {
    ClusterCircuitBreaker cb = ClusterCircuitBreaker.of(new ClusterModel.Cluster(CLUSTER, null,
        ClusterModel.LbPolicy.ROUND_ROBIN, 2, 0, 0, ClusterModel.Thresholds.ENVOY_DEFAULTS, null,
        new ClusterModel.RetryBudget(20.0, 3), null, null));
    for (int i = 0; i < 50; i++) {
      cb.tryAcquire();
    }
    int retries = 0;
    while (cb.tryAcquireRetry() != null) {
      retries++;
    }
    assertEquals(10, retries);
  }

  @Test
  void concurrentAcquireAndClose_neverExceedsMaxAndEndsAtZero() throws InterruptedException {
    ClusterCircuitBreaker cb = breaker(1024, 8, 3);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    Runnable worker = () -> {
      try {
        start.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (int i = 0; i < 50_000; i++) {
        ClusterCircuitBreaker.Permit p = cb.tryAcquire();
        if (p != null) {
          maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
          inside.decrementAndGet();
          p.close();
          p.close();
        }
      }
    };
    Thread t1 = new Thread(worker);
    Thread t2 = new Thread(worker);
    t1.start();
    t2.start();
    start.countDown();
    t1.join();
    t2.join();
    assertTrue(maxInside.get() <= 8);
    assertEquals(0, cb.activeRequests());
  }

  @Test
  void interruptedCaller_isStillAdmitted() {
    ClusterCircuitBreaker cb = breaker(1024, 1, 3);
    Thread.currentThread().interrupt();
    try {
      assertNotNull(cb.tryAcquire(), "an interrupt is not an open circuit");
    } finally {
      Thread.interrupted();
    }
  }
}
