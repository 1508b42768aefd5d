package dev.meshwork.core.internal.engine;

import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for config that has not arrived yet, bounded by the caller's deadline. */
final class Waits {
  private Waits() {}

  /** {@code current} if set, else the future's value once it completes; null on timeout. */
  static <T> T await(T current, CompletableFuture<T> future, long deadlineNanos) throws InterruptedIOException {
    if (current != null) {
      return current;
    }
    try {
      return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for mesh config");
    } catch (ExecutionException e) {
      return null;
    }
  }
}
