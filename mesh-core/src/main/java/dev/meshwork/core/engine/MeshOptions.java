package dev.meshwork.core.engine;

import dev.meshwork.core.identity.IdentityOptions;
import dev.meshwork.core.telemetry.TelemetryOptions;

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
 * @param identity how the workload's certificate is obtained and renewed, used when the settings
 *     carry a join token; its meter registry, when unset, is {@code meterRegistry}
 * @param telemetry what is recorded per call (metrics in {@code meterRegistry}, spans, access log)
 */
public record MeshOptions(Path persistDirectory, Duration lookupTimeout, java.util.function.LongSupplier nanoClock,
    io.micrometer.core.instrument.MeterRegistry meterRegistry, IdentityOptions identity, TelemetryOptions telemetry) {
  /**
   * No persistence, 5 s lookups, the system clock, Micrometer's global registry, default identity
   * and telemetry options.
   */
  public static final MeshOptions DEFAULTS = new MeshOptions(null, Duration.ofSeconds(5), System::nanoTime,
      io.micrometer.core.instrument.Metrics.globalRegistry, IdentityOptions.DEFAULTS, TelemetryOptions.DEFAULTS);

  /** Options with default identity and telemetry options. */
  public MeshOptions(Path persistDirectory, Duration lookupTimeout, java.util.function.LongSupplier nanoClock,
      io.micrometer.core.instrument.MeterRegistry meterRegistry) {
    this(persistDirectory, lookupTimeout, nanoClock, meterRegistry, IdentityOptions.DEFAULTS, TelemetryOptions.DEFAULTS);
  }

  public MeshOptions {
    java.util.Objects.requireNonNull(nanoClock, "nanoClock");
    java.util.Objects.requireNonNull(meterRegistry, "meterRegistry");
    java.util.Objects.requireNonNull(identity, "identity");
    java.util.Objects.requireNonNull(telemetry, "telemetry");
    if (lookupTimeout == null || lookupTimeout.isNegative() || lookupTimeout.isZero()) {
      throw new IllegalArgumentException("lookupTimeout: " + lookupTimeout + " (expected: > 0)");
    }
  }

  /** These options with config persisted under {@code dir}. */
  public MeshOptions withPersistDirectory(Path dir) {
    return new MeshOptions(dir, lookupTimeout, nanoClock, meterRegistry, identity, telemetry);
  }

  /** These options with another monotonic clock. */
  public MeshOptions withNanoClock(java.util.function.LongSupplier clock) {
    return new MeshOptions(persistDirectory, lookupTimeout, clock, meterRegistry, identity, telemetry);
  }

  /** These options with metrics going to {@code registry}. */
  public MeshOptions withMeterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
    return new MeshOptions(persistDirectory, lookupTimeout, nanoClock, registry, identity, telemetry);
  }

  /** These options with other telemetry (metric names, OpenTelemetry, access log). */
  public MeshOptions withTelemetry(TelemetryOptions options) {
    return new MeshOptions(persistDirectory, lookupTimeout, nanoClock, meterRegistry, identity, options);
  }

  /** These options with another way to obtain and renew the workload certificate. */
  public MeshOptions withIdentity(IdentityOptions options) {
    return new MeshOptions(persistDirectory, lookupTimeout, nanoClock, meterRegistry, options, telemetry);
  }
}
