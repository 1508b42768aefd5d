package dev.meshwork.core.internal.policy;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A nanoTime source tests move by hand; starts at an arbitrary non-zero value to catch origin bugs. */
final class FakeClock implements LongSupplier {
  private long nanos = 1_000_000_000_000L;

  @Override
  public long getAsLong() {
    return nanos;
  }

  void advance(Duration d) {
    nanos += d.toNanos();
  }

  void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }

  void advanceSeconds(long seconds) {
    advance(Duration.ofSeconds(seconds));
  }
}
