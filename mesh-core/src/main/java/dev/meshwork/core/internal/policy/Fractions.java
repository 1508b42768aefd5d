package dev.meshwork.core.internal.policy;

import java.util.random.RandomGenerator;

/** Envoy fractional percents in parts per million, sampled with injected randomness. */
final class Fractions {
  static final int MILLION = 1_000_000;

  private Fractions() {}

  /**
   * True with probability {@code perMillion / 1e6}. 0 and 1e6 never draw, so always-on and
   * always-off policies cost nothing and do not perturb a seeded sequence. Values above a
   * million mean always, as Envoy treats a numerator above its denominator.
   */
  static boolean sample(int perMillion, RandomGenerator random) {
    if (perMillion <= 0) {
      return false;
    }
    if (perMillion >= MILLION) {
      return true;
    }
    return random.nextInt(MILLION) < perMillion;
  }
}
