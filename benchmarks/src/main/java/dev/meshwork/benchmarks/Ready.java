package dev.meshwork.benchmarks;

import java.time.Duration;

/** Set-up's wait for a mesh client's first call: it may precede the client's config. */
final class Ready {
  private Ready() {}

  /** A call that may fail until the client is ready. */
  interface Call {
    void run() throws Exception;
  }

  /** Runs {@code call} until it does not throw {@code notYet}, every 20 ms for at most 20 s; then rethrows. */
  static void await(Call call, Class<? extends Exception> notYet) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        call.run();
        return;
      } catch (Exception e) {
        if (!notYet.isInstance(e) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }
}
