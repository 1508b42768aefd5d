package dev.meshwork.core.internal.identity;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the identity on its scheduler: a fresh key and certificate at the scheduled time,
 * published by swapping the snapshot, then the PEM files, then listeners. On failure it keeps
 * the current certificate and retries with backoff, warning with the time left, for as long as
 * it runs (a certificate that expired is still replaced as soon as the CA answers). All work runs
 * on the scheduler; {@link #close} may be called from any thread.
 */
public final class Renewer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Renewer.class);

  public record Config(String spiffeId, Duration requestedTtl, Duration callTimeout, Clock clock) {}

  private final Config config;
  private final CaClient ca;
  private final SnapshotHolder holder;
  private final PemFiles files;
  private final RenewalSchedule schedule;
  private final IdentityMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final List<Consumer<CertSnapshot>> listeners = new CopyOnWriteArrayList<>();
  private int failures;
  private ScheduledFuture<?> next;
  private boolean closed;

  public Renewer(Config config, CaClient ca, SnapshotHolder holder, PemFiles files, RenewalSchedule schedule,
      IdentityMetrics metrics, ScheduledExecutorService scheduler) {
    this.config = config;
    this.ca = ca;
    this.holder = holder;
    this.files = files;
    this.schedule = schedule;
    this.metrics = metrics;
    this.scheduler = scheduler;
  }

  /** Called with each new snapshot, on the scheduler thread; exceptions are logged. */
  public void addListener(Consumer<CertSnapshot> listener) {
    listeners.add(listener);
  }

  /** Schedules the renewal of the current certificate. */
  public void start() {
    scheduleIn(schedule.untilRenewal(holder.current(), config.clock().instant()));
  }

  private synchronized void scheduleIn(Duration delay) {
    if (!closed) {
      next = scheduler.schedule(this::renew, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  void renew() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    CertSnapshot old = holder.current();
    CertSnapshot fresh;
    try {
      fresh = ca.issue(config.requestedTtl(), config.callTimeout(), false);
    } catch (CertificateException | RuntimeException e) {
      failed(old, describe(e), e);
      return;
    }
    holder.swap(fresh);
    try {
      files.write(fresh);
    } catch (IOException e) {
      log.warn("identity {}: could not write PEM files to {}: {}", config.spiffeId(), files.directory(), e.toString());
    }
    failures = 0;
    metrics.renewed();
    Duration in = schedule.untilRenewal(fresh, config.clock().instant());
    log.info("identity {} renewed: serial {}, notAfter {} (was serial {}); next renewal in {}", config.spiffeId(),
        fresh.serial(), fresh.notAfter(), old.serial(), in.truncatedTo(ChronoUnit.SECONDS));
    for (Consumer<CertSnapshot> l : listeners) {
      try {
        l.accept(fresh);
      } catch (RuntimeException e) {
        log.warn("identity rotation listener {} failed", l, e);
      }
    }
    scheduleIn(in);
  }

  private void failed(CertSnapshot kept, String why, Exception e) {
    failures++;
    metrics.failed();
    Duration retry = schedule.retryDelay(failures);
    Instant now = config.clock().instant();
    Duration left = Duration.between(now, kept.notAfter()).truncatedTo(ChronoUnit.SECONDS);
    if (left.isNegative()) {
      log.error("identity {}: renewal from control plane {} failed ({}); certificate serial {} EXPIRED {} ago; "
          + "retrying in {}", config.spiffeId(), ca.target(), why, kept.serial(), left.negated(), retry);
    } else {
      log.warn("identity {}: renewal from control plane {} failed ({}); keeping certificate serial {}, which expires "
          + "in {} (at {}); retrying in {}", config.spiffeId(), ca.target(), why, kept.serial(), left, kept.notAfter(),
          retry);
    }
    log.debug("renewal failure detail", e);
    scheduleIn(retry);
  }

  static String describe(Exception e) {
    if (e instanceof StatusRuntimeException s) {
      return s.getStatus().getCode() + (s.getStatus().getDescription() == null ? ""
          : ": " + s.getStatus().getDescription());
    }
    return e.toString();
  }

  /** Stops renewing; a renewal in flight finishes but schedules nothing. */
  @Override
  public synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel(false);
    }
  }
}
