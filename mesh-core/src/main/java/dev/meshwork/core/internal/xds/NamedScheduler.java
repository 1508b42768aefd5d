package dev.meshwork.core.internal.xds;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The single-thread scheduler an {@link XdsClient} creates when none is injected; remembers its
 * thread so {@link #shutdown} can guarantee the thread is gone, not merely told to stop.
 */
final class NamedScheduler {
  private final ScheduledThreadPoolExecutor executor;
  private volatile Thread thread;

  NamedScheduler(String threadName) {
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true); // a forgotten close() must not keep the JVM alive
      thread = t;
      return t;
    });
    // Cancelled does-not-exist timers are the common case; do not let them pile up in the queue.
    executor.setRemoveOnCancelPolicy(true);
  }

  ScheduledExecutorService executor() {
    return executor;
  }

  /** Drops queued tasks and waits up to {@code wait} for the thread to end (unless called on it). */
  void shutdown(Duration wait) throws InterruptedException {
    executor.shutdownNow();
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      t.join(wait.toMillis());
    }
  }
}
