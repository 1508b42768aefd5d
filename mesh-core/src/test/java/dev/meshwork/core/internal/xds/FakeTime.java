package dev.meshwork.core.internal.xds;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A manual clock and scheduler: delayed tasks run only in {@link #advance}, on the test thread;
 * {@code execute} runs at once on the caller. Thread-safe, since the client schedules from gRPC
 * threads.
 */
final class FakeTime {
  static final Instant START = Instant.parse("2026-01-02T03:04:05Z");

  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long nowNanos;
  private long seq;

  final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      synchronized (FakeTime.this) {
        return START.plusNanos(nowNanos);
      }
    }
  };

  final ScheduledExecutorService scheduler = new Scheduler();

  synchronized int pendingTasks() {
    return tasks.size();
  }

  /** Whether exactly one task is pending and it falls due within {@code d} from now. */
  synchronized boolean onlyTaskDueWithin(Duration d) {
    return tasks.size() == 1 && tasks.peek().due <= nowNanos + d.toNanos();
  }

  /** Moves time forward, running every task that falls due, in order. */
  void advance(Duration by) {
    long target;
    synchronized (this) {
      target = nowNanos + by.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due > target) {
          nowNanos = target;
          return;
        }
        tasks.poll();
        nowNanos = next.due;
      }
      next.command.run();
    }
  }

  private final class Task implements ScheduledFuture<Void> {
    final long due;
    final long order;
    final Runnable command;
    volatile boolean cancelled;

    Task(long due, Runnable command) {
      this.due = due;
      this.order = seq++;
      this.command = command;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (FakeTime.this) {
        return unit.convert(due - nowNanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public int compareTo(Delayed o) {
      Task t = (Task) o;
      return due != t.due ? Long.compare(due, t.due) : Long.compare(order, t.order);
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      synchronized (FakeTime.this) {
        cancelled = true;
        return tasks.remove(this);
      }
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      synchronized (FakeTime.this) {
        return cancelled || !tasks.contains(this);
      }
    }

    @Override
    public Void get() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Void get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }
  }

  private final class Scheduler extends AbstractExecutorService implements ScheduledExecutorService {
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      synchronized (FakeTime.this) {
        Task t = new Task(nowNanos + unit.toNanos(delay), command);
        tasks.add(t);
        return t;
      }
    }

    @Override
    public void execute(Runnable command) {
      command.run();
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
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return new ArrayList<>();
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
      return false;
    }
  }
}
