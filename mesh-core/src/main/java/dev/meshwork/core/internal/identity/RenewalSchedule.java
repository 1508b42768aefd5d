package dev.meshwork.core.internal.identity;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When to renew: at {@code fraction} of the lifetime, moved by up to ± {@code jitter} of it; after
 * failures, exponential randomized backoff (Resilience4j's {@link IntervalFunction}). Stateless
 * apart from the random source; thread-safe.
 */
public final class RenewalSchedule {
  private final double fraction;
  private final double jitter;
  private final IntervalFunction backoff;
  private final DoubleSupplier random;

  public RenewalSchedule(double fraction, double jitter, Duration initialBackoff, Duration maxBackoff) {
    this(fraction, jitter, IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, 0.5, maxBackoff),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  RenewalSchedule(double fraction, double jitter, IntervalFunction backoff, DoubleSupplier random) {
    this.fraction = fraction;
    this.jitter = jitter;
    this.backoff = backoff;
    this.random = random;
  }

  /**
   * Delay from {@code now}, the moment {@code s} was received, to its renewal; zero when that time
   * has passed. The lifetime counts from receipt, not from notBefore: CAs back-date notBefore for
   * clock skew (ours by a minute), and counting from it would renew a short-lived certificate at
   * once, again and again.
   */
  public Duration untilRenewal(CertSnapshot s, Instant now) {
    double f = fraction + jitter * (2 * random.getAsDouble() - 1);
    Instant start = s.notBefore().isAfter(now) ? s.notBefore() : now;
    long lifeMillis = Duration.between(start, s.notAfter()).toMillis();
    Instant at = start.plusMillis((long) (lifeMillis * f));
    Duration d = Duration.between(now, at);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** Delay before the retry following the {@code failures}-th consecutive failure (1-based). */
  public Duration retryDelay(int failures) {
    return Duration.ofMillis(backoff.apply(Math.max(1, failures)));
  }
}
