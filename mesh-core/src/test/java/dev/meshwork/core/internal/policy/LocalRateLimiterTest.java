package dev.meshwork.core.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.engine.MeshRejectedException;
import dev.meshwork.core.internal.model.RouteModel;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {
  static final RandomGenerator NO_DRAWS = FaultInjectorTest.NO_DRAWS;
  static final int ALWAYS = 1_000_000;

  final FakeClock clock = new FakeClock();

  LocalRateLimiter limiter(long max, long perFill, Duration interval, int enabled, int enforced) {
    return new LocalRateLimiter("route reviews-v1",
        new RouteModel.RateLimit(max, perFill, interval, enabled, enforced, 0), clock);
  }

  static int drain(LocalRateLimiter l, RandomGenerator random) {
    int n = 0;
    while (n < 1_000_000 && l.tryAcquire(random)) {
      n++;
    }
    return n;
  }

  @Test
  void startsFull_burstIsMaxTokens() {
    LocalRateLimiter l = limiter(10, 5, Duration.ofSeconds(1), ALWAYS, ALWAYS);
    assertEquals(10, drain(l, NO_DRAWS));
    assertFalse(l.tryAcquire(NO_DRAWS));
  }

  @Test
  void refillsTokensPerFillAtEachIntervalEnd_cappedAtMax() {
    LocalRateLimiter l = limiter(10, 5, Duration.ofSeconds(1), ALWAYS, ALWAYS);
    drain(l, NO_DRAWS);
    clock.advanceMillis(999);
    assertFalse(l.tryAcquire(NO_DRAWS), "no partial refills");
    clock.advanceMillis(1);
    assertEquals(5, drain(l, NO_DRAWS));
    clock.advanceSeconds(3);
    assertEquals(10, l.availableTokens(), "15 tokens refilled, capped at max_tokens");
    assertEquals(10, drain(l, NO_DRAWS));
  }

  @Test
  void steadyRate_overFakeMinute_isBurstPlusFillRate() {
    LocalRateLimiter l = limiter(10, 5, Duration.ofSeconds(1), ALWAYS, ALWAYS);
    int admitted = 0;
    for (int step = 0; step <= 600; step++) { // every 100 ms for 60 s, greedy caller
      admitted += drain(l, NO_DRAWS);
      clock.advanceMillis(100);
    }
    assertEquals(10 + 60 * 5, admitted);
  }

  @Test
  void idleForMoreThan2Pow32Fills_stillRefillsToFull() {
    LocalRateLimiter l = limiter(10, 1, Duration.ofNanos(1), ALWAYS, ALWAYS);
    drain(l, NO_DRAWS);
    clock.advance(Duration.ofNanos((1L << 33) + 100)); // fill counts are stored mod 2^32
    assertEquals(10, l.availableTokens());
  }

  @Test
  void enabledButNotEnforced_countsAndLetsThrough() {
    LocalRateLimiter l = limiter(2, 1, Duration.ofSeconds(1), ALWAYS, 0);
    for (int i = 0; i < 5; i++) {
      assertTrue(l.tryAcquire(NO_DRAWS));
    }
    assertEquals(3, l.limitedNotEnforced());
  }

  @Test
  void notEnabled_skipsTheBucket() {
    LocalRateLimiter l = limiter(2, 1, Duration.ofSeconds(1), 0, ALWAYS);
    for (int i = 0; i < 5; i++) {
      assertTrue(l.tryAcquire(NO_DRAWS));
    }
    assertEquals(2, l.availableTokens());
    assertEquals(0, l.limitedNotEnforced());
  }

  @Test
  void enforcedFraction_rejectsThatShareOfLimitedRequests() {
    LocalRateLimiter l = limiter(1, 1, Duration.ofHours(1), ALWAYS, 300_000);
    SplittableRandom random = new SplittableRandom(11);
    l.tryAcquire(random);
    int rejected = 0;
    for (int i = 0; i < 100_000; i++) {
      rejected += l.tryAcquire(random) ? 0 : 1;
    }
    assertEquals(0.3, rejected / 100_000.0, 0.005);
    assertEquals(100_000 - rejected, l.limitedNotEnforced());
  }

  @Test
  void rejection_isTypedAndNamesRouteAndBucket() {
    LocalRateLimiter l = limiter(10, 5, Duration.ofSeconds(1), ALWAYS, ALWAYS);
    MeshRejectedException e = l.rejection();
    assertEquals(MeshRejectedException.Kind.RATE_LIMITED, e.kind());
    assertEquals("rate limited: route reviews-v1 local token bucket is empty (max_tokens 10, 5 tokens every 1000 ms)",
        e.getMessage());
    assertEquals(429, l.statusCode());
  }

  @Test
  void concurrentCallers_shareExactlyMaxTokens() throws InterruptedException {
    LocalRateLimiter l = limiter(1_000, 1, Duration.ofHours(1), ALWAYS, ALWAYS);
    AtomicInteger admitted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    Runnable worker = () -> {
      try {
        start.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (int i = 0; i < 10_000; i++) {
        if (l.tryAcquire(NO_DRAWS)) {
          admitted.incrementAndGet();
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
    assertEquals(1_000, admitted.get());
  }

  @Test
  void invalidBucket_rejectedWithField() {
    assertEquals("maxTokens: 0 (expected: 1..4294967295)", assertThrows(IllegalArgumentException.class,
        () -> limiter(0, 1, Duration.ofSeconds(1), ALWAYS, ALWAYS)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> limiter(1, 1, Duration.ZERO, ALWAYS, ALWAYS));
  }
}
