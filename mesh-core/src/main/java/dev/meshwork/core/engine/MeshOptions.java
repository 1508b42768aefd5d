package dev.meshwork.core.engine;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link Mesh} runs.
 *
 * @param persistDirectory where the last good xDS config is kept so a restart while the control
 *     plane is down still routes; null to keep nothing on disk
 * @param lookupTimeout how long a first request to a host waits to learn whether it is a mesh
 *     service and for its routes, clusters and endpoints
 * @param nanoClock monotonic time for ejections and rate limits ({@code System::nanoTime}; tests
 *     pass a fake)
 * @param meterRegistry where the mesh's metrics go (Micrometer's global registry by default)
 */
public record MeshOptions(Path persistDirectory, Duration lookupTimeout, java.util.function.LongSupplier nanoClock,
    io.micrometer.core.instrument.MeterRegistry meterRegistry) {
  /** No persistence, 5 s lookups, the system clock, Micrometer's global registry. */
  public static final MeshOptions DEFAULTS = new MeshOptions(null, Duration.ofSeconds(5), System::nanoTime,
      io.micrometer.core.instrument.Metrics.globalRegistry);

  public MeshOptions {
    java.util.Objects.requireNonNull(nanoClock, "nanoClock");
    java.util.Objects.requireNonNull(meterRegistry, "meterRegistry");
    if (lookupTimeout == null || lookupTimeout.isNegative() || lookupTimeout.isZero()) {
      throw new IllegalArgumentException("lookupTimeout: " + lookupTimeout + " (expected: > 0)");
    }
  }

  /** These options with config persisted under {@code dir}. */
  public MeshOptions withPersistDirectory(Path dir) {
    return new MeshOptions(dir, lookupTimeout, nanoClock, meterRegistry);
  }

  /** These options with another monotonic clock. */
  public MeshOptions withNanoClock(java.util.function.LongSupplier clock) {
    return new MeshOptions(persistDirectory, lookupTimeout, clock, meterRegistry);
  }

  /** These options with metrics going to {@code registry}. */
  public MeshOptions withMeterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
    return new MeshOptions(persistDirectory, lookupTimeout, nanoClock, registry);
  }
}
