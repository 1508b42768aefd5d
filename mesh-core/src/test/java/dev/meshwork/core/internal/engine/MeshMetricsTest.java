package dev.meshwork.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MeshMetricsTest {
  @Test
  void countersPerDestinationAndCluster_orRoute_removedOnClose() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    MeshMetrics m = new MeshMetrics(r);
    m.retry("reviews", "outbound|80|v1|reviews");
    m.retry("reviews", "outbound|80|v1|reviews");
    m.retry("reviews", "outbound|80|v2|reviews");
    m.retryBudgetExhausted("reviews", "outbound|80|v1|reviews");
    m.circuitOpen("ratings", "outbound|80||ratings");
    m.rateLimited("ratings", "ratings-all");
    assertEquals(2, r.get("meshwork.retries").tags("destination", "reviews", "cluster", "outbound|80|v1|reviews")
        .counter().count());
    assertEquals(1, r.get("meshwork.retries").tag("cluster", "outbound|80|v2|reviews").counter().count());
    assertEquals(1, r.get("meshwork.retry.budget.exhausted").tag("destination", "reviews").counter().count());
    assertEquals(1, r.get("meshwork.circuit.breaker.rejections").tag("cluster", "outbound|80||ratings").counter()
        .count());
    assertEquals(1, r.get("meshwork.rate.limited").tags("destination", "ratings", "route", "ratings-all").counter()
        .count());
    assertSame(r.get("meshwork.retries").tag("cluster", "outbound|80|v2|reviews").counter(),
        r.get("meshwork.retries").tag("cluster", "outbound|80|v2|reviews").counter());
    m.close();
    assertTrue(r.getMeters().isEmpty());
  }
}
