package dev.meshwork.core.internal.identity;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code meshwork.identity.certificate.expiry.seconds} (gauge: seconds until the current
 * certificate expires, negative once expired) and {@code meshwork.identity.renewals} (counter,
 * tag {@code result} = {@code ok} | {@code failed}), all tagged {@code service}. A null registry
 * makes every method a no-op. Thread-safe.
 */
public final class IdentityMetrics implements AutoCloseable {
  public static final String EXPIRY = "meshwork.identity.certificate.expiry.seconds";
  public static final String RENEWALS = "meshwork.identity.renewals";

  private final MeterRegistry registry;
  private final Counter ok;
  private final Counter failed;
  private final List<Meter> meters;

  public IdentityMetrics(MeterRegistry registry, String service, SnapshotHolder holder, Clock clock) {
    this.registry = registry;
    if (registry == null) {
      ok = null;
      failed = null;
      meters = List.of();
      return;
    }
    Gauge expiry = Gauge.builder(EXPIRY, holder,
            h -> Duration.between(clock.instant(), h.current().notAfter()).toMillis() / 1000.0)
        .description("Seconds until this workload's certificate expires")
        .tag("service", service)
        .strongReference(true)
        .register(registry);
    ok = Counter.builder(RENEWALS).tag("service", service).tag("result", "ok")
        .description("Certificate renewals").register(registry);
    failed = Counter.builder(RENEWALS).tag("service", service).tag("result", "failed")
        .description("Certificate renewals").register(registry);
    meters = List.of(expiry, ok, failed);
  }

  public void renewed() {
    if (ok != null) {
      ok.increment();
    }
  }

  public void failed() {
    if (failed != null) {
      failed.increment();
    }
  }

  @Override
  public void close() {
    for (Meter m : meters) {
      registry.remove(m);
    }
  }
}
