package dev.meshwork.core.identity;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How {@link MeshIdentity} obtains and renews certificates. Immutable and thread-safe; start from
 * {@link #DEFAULTS} or {@link #builder()}. Invalid values fail in the constructor with an
 * {@link IllegalArgumentException} naming the field.
 *
 * @param requestedTtl certificate lifetime asked of the CA; {@link Duration#ZERO} leaves it to the CA
 * @param renewalFraction renew when this fraction of the lifetime has passed (default 0.5)
 * @param jitterFraction renewal moves by up to ± this fraction of the lifetime, at random, so a
 *     fleet does not renew in step (default 0.1)
 * @param directory where the PEM files go (created 0700); null for a fresh private temp directory,
 *     deleted on close
 * @param meterRegistry where gauges and counters go; null for none
 * @param clock time source for renewal times and peer validation
 * @param scheduler runs renewals; null for one named daemon thread owned (and stopped on close) by
 *     the identity. A supplied scheduler is not shut down by the identity
 * @param startTimeout how long {@link MeshIdentity#start} waits for the first certificate
 * @param callTimeout deadline of each renewal call to the control plane
 * @param retryInitialBackoff first retry delay after a failed renewal (exponential, randomized)
 * @param retryMaxBackoff retry delays grow up to this
 */
public record IdentityOptions(Duration requestedTtl, double renewalFraction, double jitterFraction, Path directory,
    MeterRegistry meterRegistry, Clock clock, ScheduledExecutorService scheduler, Duration startTimeout,
    Duration callTimeout, Duration retryInitialBackoff, Duration retryMaxBackoff) {
  /** CA-chosen lifetime, renewal at half life ±10%, temp directory, no metrics, system clock. */
  public static final IdentityOptions DEFAULTS = builder().build();

  public IdentityOptions {
    Objects.requireNonNull(requestedTtl, "requestedTtl");
    Objects.requireNonNull(clock, "clock");
    positive("startTimeout", startTimeout);
    positive("callTimeout", callTimeout);
    positive("retryInitialBackoff", retryInitialBackoff);
    positive("retryMaxBackoff", retryMaxBackoff);
    if (requestedTtl.isNegative()) {
      throw new IllegalArgumentException("requestedTtl: " + requestedTtl + " (expected: >= 0, 0 = CA default)");
    }
    if (!(renewalFraction > 0 && renewalFraction < 1)) {
      throw new IllegalArgumentException("renewalFraction: " + renewalFraction + " (expected: > 0 and < 1)");
    }
    if (!(jitterFraction >= 0 && renewalFraction - jitterFraction > 0 && renewalFraction + jitterFraction < 1)) {
      throw new IllegalArgumentException("jitterFraction: " + jitterFraction
          + " (expected: >= 0 and renewalFraction ± jitterFraction within (0, 1))");
    }
    if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
      throw new IllegalArgumentException("retryMaxBackoff: " + retryMaxBackoff + " (expected: >= retryInitialBackoff "
          + retryInitialBackoff + ")");
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.requestedTtl = requestedTtl;
    b.renewalFraction = renewalFraction;
    b.jitterFraction = jitterFraction;
    b.directory = directory;
    b.meterRegistry = meterRegistry;
    b.clock = clock;
    b.scheduler = scheduler;
    b.startTimeout = startTimeout;
    b.callTimeout = callTimeout;
    b.retryInitialBackoff = retryInitialBackoff;
    b.retryMaxBackoff = retryMaxBackoff;
    return b;
  }

  /** Builder for {@link IdentityOptions}; not thread-safe. Each setter documents its field above. */
  public static final class Builder {
    private Duration requestedTtl = Duration.ZERO;
    private double renewalFraction = 0.5;
    private double jitterFraction = 0.1;
    private Path directory;
    private MeterRegistry meterRegistry;
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private Duration startTimeout = Duration.ofSeconds(30);
    private Duration callTimeout = Duration.ofSeconds(10);
    private Duration retryInitialBackoff = Duration.ofSeconds(1);
    private Duration retryMaxBackoff = Duration.ofMinutes(1);

    private Builder() {}

    public Builder requestedTtl(Duration v) { requestedTtl = v; return this; }

    public Builder renewalFraction(double v) { renewalFraction = v; return this; }

    public Builder jitterFraction(double v) { jitterFraction = v; return this; }

    public Builder directory(Path v) { directory = v; return this; }

    public Builder meterRegistry(MeterRegistry v) { meterRegistry = v; return this; }

    public Builder clock(Clock v) { clock = v; return this; }

    public Builder scheduler(ScheduledExecutorService v) { scheduler = v; return this; }

    public Builder startTimeout(Duration v) { startTimeout = v; return this; }

    public Builder callTimeout(Duration v) { callTimeout = v; return this; }

    public Builder retryInitialBackoff(Duration v) { retryInitialBackoff = v; return this; }

    public Builder retryMaxBackoff(Duration v) { retryMaxBackoff = v; return this; }

    public IdentityOptions build() {
      return new IdentityOptions(requestedTtl, renewalFraction, jitterFraction, directory, meterRegistry, clock,
          scheduler, startTimeout, callTimeout, retryInitialBackoff, retryMaxBackoff);
    }
  }
}
