package dev.meshwork.spring.registration;

import dev.meshwork.core.MeshRegistration;
import dev.meshwork.core.MeshSettings;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers one listening port and keeps it registered: {@link MeshRegistration} renews the lease;
 * when the first registration fails (control plane down), it is retried every few seconds on a
 * named daemon thread until it succeeds or {@link #close()} is called. Thread-safe.
 */
public final class MeshRegistrar implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MeshRegistrar.class);
  private static final long RETRY_MILLIS = 2_000;

  private final MeshSettings settings;
  private final MeshInstance instance;
  private final int port;
  private final Duration ttl;
  private ScheduledExecutorService retry;
  private MeshRegistration registration;
  private boolean closed;

  private MeshRegistrar(MeshSettings settings, MeshInstance instance, int port, Duration ttl) {
    this.settings = settings;
    this.instance = instance;
    this.port = port;
    this.ttl = ttl;
  }

  /** Registers {@code port} now (or keeps trying in the background). */
  public static MeshRegistrar start(MeshSettings settings, MeshInstance instance, int port, Duration ttl) {
    MeshRegistrar r = new MeshRegistrar(settings, instance, port, ttl);
    r.attempt();
    return r;
  }

  /** Whether the instance currently holds a lease. */
  public synchronized boolean registered() {
    return registration != null;
  }

  private void attempt() {
    synchronized (this) {
      if (closed || registration != null) {
        return;
      }
    }
    try {
      MeshRegistration reg = MeshRegistration.register(settings, instance.address(), port, instance.labels(), ttl);
      synchronized (this) {
        if (closed) {
          reg.close();
          return;
        }
        registration = reg;
      }
      log.info("registered {} ({}) at {}:{} with labels {}", settings.service(), settings.instanceId(),
          instance.address(), port, instance.labels());
    } catch (RuntimeException e) {
      log.warn("registration of {} at {}:{} with the control plane {} failed ({}); retrying", settings.service(),
          instance.address(), port, settings.controlPlane(), e.toString());
      scheduleRetry();
    }
  }

  private synchronized void scheduleRetry() {
    if (closed) {
      return;
    }
    if (retry == null) {
      retry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "meshwork-register-retry-" + settings.instanceId());
        t.setDaemon(true);
        return t;
      });
    }
    retry.schedule(this::attempt, RETRY_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Deregisters at once (best effort) and stops renewing and retrying. Idempotent. */
  @Override
  public void close() {
    MeshRegistration reg;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      reg = registration;
      registration = null;
      if (retry != null) {
        retry.shutdownNow();
      }
    }
    if (reg != null) {
      reg.close();
      log.info("deregistered {} ({}) at {}:{}", settings.service(), settings.instanceId(), instance.address(), port);
    }
  }
}
