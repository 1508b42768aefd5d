package dev.meshwork.examples.bookstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's launcher, driver and view model end to end: the bookstore starts on all-v1 (every
 * page from reviews v1, over 300 pages), a switch to the 90/10 canary moves 10% (±5 points, over
 * 500 pages) to v3. Asserts on the view model ({@link TrafficStats}), not on the terminal text.
 */
class BookstoreTest {
  @Test
  @Timeout(90)
  void allV1_thenCanary_sharesMove(@TempDir Path work) throws Exception {
    long t0 = System.nanoTime();
    TrafficStats stats = new TrafficStats();
    try (Bookstore bookstore = Bookstore.start(work);
        TrafficDriver driver = new TrafficDriver(bookstore.productpage(), 200, stats)) {
      log(t0, "started");
      assertThat(bookstore.currentScenario()).isEqualTo("1-all-v1");
      TrafficStats.Snapshot allV1 = collect(stats, stats.now(), 300);
      assertThat(allV1.sharePercent("v1")).as("all-v1: %s", allV1).isGreaterThanOrEqualTo(99);

      log(t0, "all-v1 measured: " + allV1);
      long version = bookstore.configStatus().version();
      assertThat(bookstore.switchTo("2")).isEqualTo("2-canary-90-10");
      await("config applied", () -> bookstore.configStatus().version() > version, Duration.ofSeconds(10));
      assertThat(bookstore.currentScenario()).isEqualTo("2-canary-90-10");
      await("v3 seen", () -> stats.lastSeconds(1).sharePercent("v3") > 0, Duration.ofSeconds(10));
      long from = stats.now() + Duration.ofMillis(500).toNanos(); // pages already in flight settle
      Thread.sleep(500);
      log(t0, "canary serving");
      TrafficStats.Snapshot canary = collect(stats, from, 1000); // 5 points is 5 standard deviations at 10%
      log(t0, "canary measured: " + canary);
      assertThat(canary.sharePercent("v3")).as("canary: %s", canary).isBetween(5.0, 15.0);
      assertThat(canary.sharePercent("v1") + canary.sharePercent("v3")).as("canary: %s", canary).isEqualTo(100.0,
          org.assertj.core.data.Offset.offset(0.001));
      assertThat(canary.successPercent()).isGreaterThanOrEqualTo(99);
    }
  }

  private static void log(long t0, String what) {
    System.err.printf("BookstoreTest +%.1fs %s%n", (System.nanoTime() - t0) / 1e9, what);
  }

  private static TrafficStats.Snapshot collect(TrafficStats stats, long from, long pages) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    TrafficStats.Snapshot s = stats.since(from);
    while (s.answered() < pages && System.nanoTime() < deadline) {
      Thread.sleep(100);
      s = stats.since(from);
    }
    assertThat(s.answered()).as("pages answered").isGreaterThanOrEqualTo(pages);
    return s;
  }

  private static void await(String what, java.util.function.BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + timeout);
      }
      Thread.sleep(50);
    }
  }
}
