package dev.meshwork.core.internal.policy;

import dev.meshwork.core.engine.MeshRejectedException;
import dev.meshwork.core.internal.model.RouteModel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Envoy's local rate limit token bucket for one route (or listener): starts full with
 * {@code maxTokens}, gains {@code tokensPerFill} at the end of every {@code fillInterval} (never
 * above {@code maxTokens}), and each admitted request takes a token. {@code filter_enabled} and
 * {@code filter_enforced} fractions apply as in Envoy: a request outside the enabled fraction skips
 * the bucket; one that finds the bucket empty is rejected only within the enforced fraction,
 * otherwise it is counted ({@link #limitedNotEnforced()}) and let through.
 *
 * <p>Lock-free: the whole bucket is one AtomicLong (fill count in the high 32 bits, tokens in the
 * low 32), refilled lazily from the injected clock by whichever request comes first, so there is
 * no timer and a refill is never half-applied. Envoy caps max_tokens at 2^32-1, which is what
 * fits.
 *
 * <p>Why not resilience4j's RateLimiter: it is not a dependency of mesh-core, and its model is a
 * permit count reset to {@code limitForPeriod} every refresh period, so burst always equals the
 * per-period rate; Envoy's bucket lets a burst of max_tokens be followed by a slower steady
 * rate (e.g. 100 at once, then 10 per second).
 */
public final class LocalRateLimiter {
  private static final long TOKEN_MASK = 0xFFFF_FFFFL;

  private final String name;
  private final long maxTokens;
  private final long tokensPerFill;
  private final long fillNanos;
  /** Fills that top up an empty bucket; more than that is the same as "full". */
  private final long fillsToFull;
  private final int enabledPerMillion;
  private final int enforcedPerMillion;
  private final int statusCode;
  private final LongSupplier nanoTime;
  private final long origin;
  private final AtomicLong state;
  private final LongAdder limitedNotEnforced = new LongAdder();

  /**
   * @param name route or listener name, for rejection messages
   * @param nanoTime monotonic clock, {@code System::nanoTime} in production
   */
  public LocalRateLimiter(String name, RouteModel.RateLimit config, LongSupplier nanoTime) {
    if (config.maxTokens() < 1 || config.maxTokens() > TOKEN_MASK) {
      throw new IllegalArgumentException("maxTokens: " + config.maxTokens() + " (expected: 1..4294967295)");
    }
    if (config.tokensPerFill() < 1 || config.tokensPerFill() > TOKEN_MASK) {
      throw new IllegalArgumentException("tokensPerFill: " + config.tokensPerFill() + " (expected: 1..4294967295)");
    }
    if (config.fillInterval() == null || config.fillInterval().isNegative() || config.fillInterval().isZero()) {
      throw new IllegalArgumentException("fillInterval: " + config.fillInterval() + " (expected: > 0)");
    }
    this.name = name;
    this.maxTokens = config.maxTokens();
    this.tokensPerFill = config.tokensPerFill();
    this.fillNanos = config.fillInterval().toNanos();
    this.fillsToFull = (maxTokens + tokensPerFill - 1) / tokensPerFill;
    this.enabledPerMillion = config.enabledPerMillion();
    this.enforcedPerMillion = config.enforcedPerMillion();
    this.statusCode = config.statusCode() > 0 ? config.statusCode() : 429;
    this.nanoTime = nanoTime;
    this.origin = nanoTime.getAsLong();
    this.state = new AtomicLong(maxTokens); // fill count 0, bucket full
  }

  /**
   * Whether this request may proceed. False only when the bucket is empty and the request falls in
   * the enforced fraction; the caller then rejects it with {@link #statusCode()} (see
   * {@link #rejection()}).
   *
   * @param random draws for the enabled/enforced fractions (none drawn when they are 0% or 100%)
   */
  public boolean tryAcquire(RandomGenerator random) {
    if (!Fractions.sample(enabledPerMillion, random)) {
      return true;
    }
    if (takeToken()) {
      return true;
    }
    if (Fractions.sample(enforcedPerMillion, random)) {
      return false;
    }
    limitedNotEnforced.increment();
    return true;
  }

  private boolean takeToken() {
    for (;;) {
      // State first, clock second: whoever wrote the state read the clock before we read ours, so
      // our fill count is never behind the one stored (a monotonic clock makes this hold across
      // threads) and the mod-2^32 difference below is the true number of fills since then.
      long s = state.get();
      long fills = fillsNow();
      long tokens = refilled(s, fills);
      if (tokens == 0) {
        return false; // a refill always adds at least one token, so there is nothing to publish
      }
      long next = ((fills & TOKEN_MASK) << 32) | (tokens - 1);
      if (state.compareAndSet(s, next)) {
        return true;
      }
    }
  }

  private long fillsNow() {
    return Math.max(0, (nanoTime.getAsLong() - origin) / fillNanos);
  }

  /**
   * Tokens in state {@code s} once brought up to {@code fills}. Fill counts are kept mod 2^32: an
   * idle gap of whole multiples of 2^32 fills (49 days at 1 ms) plus less than a bucket's worth
   * aliases to a short gap and under-fills the bucket until the next fills, which errs on the safe side.
   */
  private long refilled(long s, long fills) {
    long tokens = s & TOKEN_MASK;
    long elapsed = ((fills & TOKEN_MASK) - (s >>> 32)) & TOKEN_MASK;
    if (elapsed == 0) {
      return tokens;
    }
    // elapsed < fillsToFull bounds the product below max + perFill < 2^33: no overflow.
    return elapsed >= fillsToFull ? maxTokens : Math.min(maxTokens, tokens + elapsed * tokensPerFill);
  }

  /** Tokens available now (for stats and tests). */
  public long availableTokens() {
    long s = state.get();
    return refilled(s, fillsNow());
  }

  /** Requests that found the bucket empty but were let through (enabled, not enforced). */
  public long limitedNotEnforced() {
    return limitedNotEnforced.sum();
  }

  /** HTTP status to answer a rejected request with (Envoy default 429). */
  public int statusCode() {
    return statusCode;
  }

  /** The typed rejection for a request {@link #tryAcquire} refused. */
  public MeshRejectedException rejection() {
    return new MeshRejectedException(MeshRejectedException.Kind.RATE_LIMITED, "rate limited: " + name
        + " local token bucket is empty (max_tokens " + maxTokens + ", " + tokensPerFill + " tokens every "
        + fillNanos / 1_000_000 + " ms)");
  }
}
