package dev.meshwork.core.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler tests drive by hand on a shared manual clock: {@link #runNext()} moves the clock to
 * the earliest pending task and runs it on the calling thread. Only {@code schedule(Runnable)}.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  /** A settable clock; several schedulers may share one. */
  static final class ManualClock extends Clock {
    private volatile Instant now = Instant.now();

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private final class Task implements ScheduledFuture<Object> {
    final Instant at;
    final Runnable body;
    volatile boolean cancelled;
    volatile boolean done;

    Task(Instant at, Runnable body) {
      this.at = at;
      this.body = body;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), at));
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      cancelled = true;
      return !done;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }
  }

  final ManualClock clock;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>(Comparator.comparing((Task t) -> t.at));

  ManualScheduler(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Task t = new Task(clock.instant().plusNanos(unit.toNanos(delay)), command);
    tasks.add(t);
    return t;
  }

  /** Delay from now to the earliest pending task. */
  synchronized Duration nextDelay() {
    tasks.removeIf(t -> t.cancelled);
    if (tasks.isEmpty()) {
      throw new AssertionError("nothing scheduled");
    }
    return Duration.between(clock.instant(), tasks.peek().at);
  }

  synchronized int pending() {
    tasks.removeIf(t -> t.cancelled);
    return tasks.size();
  }

  /** Moves the clock to the earliest pending task and runs it here. */
  void runNext() {
    Task t;
    synchronized (this) {
      nextDelay();
      t = tasks.poll();
      if (t.at.isAfter(clock.instant())) {
        clock.advance(Duration.between(clock.instant(), t.at));
      }
    }
    t.body.run();
    t.done = true;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }
}
