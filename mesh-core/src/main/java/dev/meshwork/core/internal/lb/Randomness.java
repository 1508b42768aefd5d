package dev.meshwork.core.internal.lb;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Randomness for pickers, injected so tests are deterministic (DESIGN.md §5). Implementations are
 * thread-safe.
 */
public interface Randomness {
  long nextLong();

  /** Uniform in [0, bound); bound > 0. */
  long nextLong(long bound);

  /** Production: ThreadLocalRandom, no contention between picking threads. */
  static Randomness threadLocal() {
    return new Randomness() {
      @Override
      public long nextLong() {
        return ThreadLocalRandom.current().nextLong();
      }

      @Override
      public long nextLong(long bound) {
        return ThreadLocalRandom.current().nextLong(bound);
      }
    };
  }

  /** Tests: a seeded sequence (java.util.Random, which is thread-safe). */
  static Randomness seeded(long seed) {
    Random r = new Random(seed);
    return new Randomness() {
      @Override
      public long nextLong() {
        return r.nextLong();
      }

      @Override
      public long nextLong(long bound) {
        return r.nextLong(bound);
      }
    };
  }
}
