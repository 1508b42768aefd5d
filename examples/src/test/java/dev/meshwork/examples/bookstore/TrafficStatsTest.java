package dev.meshwork.examples.bookstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrafficStatsTest {
  private final AtomicLong clock = new AtomicLong();
  private final TrafficStats stats = new TrafficStats(clock::get);

  @Test
  void sharesSuccessAndPercentilesOverTheWindow() {
    for (int i = 1; i <= 100; i++) {
      stats.record(i <= 90 ? "v1" : "v3", true, TimeUnit.MILLISECONDS.toNanos(i));
    }
    stats.record(null, false, TimeUnit.MILLISECONDS.toNanos(500));
    TrafficStats.Snapshot s = stats.lastSeconds(5);
    assertThat(s.requests()).isEqualTo(101);
    assertThat(s.sharePercent("v1")).isEqualTo(90.0);
    assertThat(s.sharePercent("v3")).isEqualTo(10.0);
    assertThat(s.sharePercent("v2")).isZero();
    assertThat(s.successPercent()).isCloseTo(100.0 * 100 / 101, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.p50Millis()).isEqualTo(51.0);
    assertThat(s.p99Millis()).isEqualTo(100.0);
  }

  @Test
  void oldSamplesLeaveTheWindow() {
    stats.record("v1", true, 1);
    clock.addAndGet(TimeUnit.SECONDS.toNanos(6));
    stats.record("v2", true, 1);
    assertThat(stats.lastSeconds(5).byVersion()).containsOnlyKeys("v2");
    assertThat(stats.since(0).byVersion()).containsOnlyKeys("v1", "v2");
  }

  @Test
  void versionInAPage() {
    assertThat(TrafficDriver.versionIn("product 3 reviews v2 black:4")).isEqualTo("v2");
    assertThat(TrafficDriver.versionIn("product 3 reviews v1 none")).isEqualTo("v1");
    assertThat(TrafficDriver.versionIn("oops")).isNull();
  }
}
