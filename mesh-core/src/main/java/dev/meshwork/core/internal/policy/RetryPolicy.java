package dev.meshwork.core.internal.policy;

import dev.meshwork.core.internal.model.RouteModel;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * A route's retry policy at run time: which attempt outcomes Envoy's {@code retry_on} tokens retry,
 * and the jittered back-off before each retry. Built once per route config; immutable and
 * thread-safe. The caller counts attempts against {@link #numRetries()} and asks the cluster's
 * {@link ClusterCircuitBreaker} for a retry permit (budget) before each retry.
 *
 * <p>Tokens: {@code 5xx}, {@code gateway-error}, {@code reset}, {@code reset-before-request},
 * {@code connect-failure}, {@code refused-stream}, {@code retriable-4xx},
 * {@code retriable-status-codes} and the gRPC tokens {@code cancelled}, {@code deadline-exceeded},
 * {@code internal}, {@code resource-exhausted}, {@code unavailable}. Other tokens
 * ({@code retriable-headers}, {@code envoy-ratelimited}, ...) are ignored: nothing here can see the
 * headers they need.
 *
 * <p>Idempotency (a Meshwork rule, not Envoy's): a request whose method is not GET, HEAD, OPTIONS,
 * PUT, DELETE or TRACE is retried only when it was never processed (connect failure, or
 * REFUSED_STREAM which HTTP/2 guarantees was not processed), unless the caller allows it. gRPC
 * calls are POSTs, so gRPC adapters pass {@code routeAllowsNonIdempotent} when the method is
 * declared idempotent or the route opts in.
 */
public final class RetryPolicy {
  // Declared before NONE: static initialisers run in order and NONE's constructor reads it.
  static final Duration DEFAULT_BASE = Duration.ofMillis(25);

  /** A policy that never retries, for routes without one. */
  public static final RetryPolicy NONE = new RetryPolicy();

  private static final int FIVE_XX = 1;
  private static final int GATEWAY_ERROR = 1 << 1;
  private static final int RESET = 1 << 2;
  private static final int RESET_BEFORE_REQUEST = 1 << 3;
  private static final int CONNECT_FAILURE = 1 << 4;
  private static final int REFUSED_STREAM = 1 << 5;
  private static final int RETRIABLE_4XX = 1 << 6;
  private static final int RETRIABLE_STATUS_CODES = 1 << 7;

  private final int flags;
  /** Bit i set: gRPC code i is retried. */
  private final int grpcCodes;
  /** Index = HTTP status; only filled when {@code retriable-status-codes} is on. */
  private final boolean[] statusCodes;
  private final int numRetries;
  private final Duration perTryTimeout;
  /** Back-off ceiling in nanos for retry 1, 2, ...; the last entry repeats (it is the max). */
  private final long[] ceilingNanos;

  private RetryPolicy() {
    flags = 0;
    grpcCodes = 0;
    statusCodes = new boolean[600];
    numRetries = 0;
    perTryTimeout = Duration.ZERO;
    ceilingNanos = ceilings(null, null);
  }

  private RetryPolicy(RouteModel.Retry retry) {
    int f = 0;
    int g = 0;
    for (String token : retry.retryOn()) {
      switch (token.trim()) {
        case "5xx" -> f |= FIVE_XX;
        case "gateway-error" -> f |= GATEWAY_ERROR;
        case "reset" -> f |= RESET;
        case "reset-before-request" -> f |= RESET_BEFORE_REQUEST;
        case "connect-failure" -> f |= CONNECT_FAILURE;
        case "refused-stream" -> f |= REFUSED_STREAM;
        case "retriable-4xx" -> f |= RETRIABLE_4XX;
        case "retriable-status-codes" -> f |= RETRIABLE_STATUS_CODES;
        case "cancelled" -> g |= 1 << 1;
        case "deadline-exceeded" -> g |= 1 << 4;
        case "resource-exhausted" -> g |= 1 << 8;
        case "internal" -> g |= 1 << 13;
        case "unavailable" -> g |= 1 << 14;
        default -> { } // documented above: tokens we cannot evaluate are ignored, as Envoy ignores unknown ones
      }
    }
    flags = f;
    grpcCodes = g;
    statusCodes = new boolean[600];
    if ((f & RETRIABLE_STATUS_CODES) != 0) {
      for (int code : retry.retriableStatusCodes()) {
        if (code >= 100 && code < 600) {
          statusCodes[code] = true;
        }
      }
    }
    if (retry.numRetries() < 0) {
      throw new IllegalArgumentException("numRetries: " + retry.numRetries() + " (expected: >= 0)");
    }
    numRetries = retry.numRetries();
    perTryTimeout = retry.perTryTimeout() == null ? Duration.ZERO : retry.perTryTimeout();
    ceilingNanos = ceilings(retry.backoffBase(), retry.backoffMax());
  }

  /** The runtime policy for a route's retry config; {@link #NONE} when {@code retry} is null. */
  public static RetryPolicy of(RouteModel.Retry retry) {
    return retry == null ? NONE : new RetryPolicy(retry);
  }

  /**
   * Precomputes min(max, base × 2^(n-1)) for n = 1, 2, ... until it reaches max, with
   * resilience4j's deterministic exponential IntervalFunction. We do not use its
   * {@code ofExponentialRandomBackoff}: it draws from {@code Math.random()} (not injectable), and its
   * randomization factor spreads around the interval ([0, 2×interval) at factor 1, then clipped by
   * max) rather than Envoy's full jitter in [0, interval).
   */
  private static long[] ceilings(Duration base, Duration max) {
    // Envoy rounds a sub-millisecond base up to 1 ms; IntervalFunction rejects anything below 1 ms.
    long baseMs = Math.max(1, (base == null || base.isZero() ? DEFAULT_BASE : base).toMillis());
    long maxMs = max == null || max.isZero() ? 10 * baseMs : Math.max(baseMs, max.toMillis());
    IntervalFunction exponential = IntervalFunction.ofExponentialBackoff(baseMs, 2.0, maxMs);
    int n = 1;
    while (exponential.apply(n) < maxMs) {
      n++;
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = TimeUnit.MILLISECONDS.toNanos(exponential.apply(i + 1));
    }
    return out;
  }

  public int numRetries() {
    return numRetries;
  }

  /** Zero when the route sets none. */
  public Duration perTryTimeout() {
    return perTryTimeout;
  }

  /**
   * Whether an attempt that ended this way should be retried (retries left and budget are the
   * caller's to check). Circuit-breaker and rate-limit rejections are not attempt outcomes and are
   * never retried, like Envoy's overflow resets.
   *
   * @param method upper-case HTTP method ({@code POST} for gRPC)
   * @param routeAllowsNonIdempotent retry non-idempotent methods on any matching outcome
   */
  public boolean retriable(AttemptOutcome outcome, String method, boolean routeAllowsNonIdempotent) {
    if (flags == 0 && grpcCodes == 0) {
      return false;
    }
    if (!routeAllowsNonIdempotent && !outcome.neverProcessed() && !isIdempotent(method)) {
      return false;
    }
    // Envoy counts any reset as a 5xx/gateway error (it becomes a 503), so those tokens and
    // "reset" cover every failure without a response; connect-failure and refused-stream are narrower.
    int anyReset = FIVE_XX | GATEWAY_ERROR | RESET;
    return switch (outcome.kind()) {
      case CONNECT_FAILURE -> (flags & (anyReset | CONNECT_FAILURE | RESET_BEFORE_REQUEST)) != 0;
      case REFUSED_STREAM -> (flags & (anyReset | REFUSED_STREAM | RESET_BEFORE_REQUEST)) != 0;
      case RESET, TIMEOUT -> (flags & anyReset) != 0;
      case RESPONSE -> retriableResponse(outcome.httpStatus(), outcome.grpcStatus());
    };
  }

  private boolean retriableResponse(int status, int grpcStatus) {
    if ((flags & FIVE_XX) != 0 && status >= 500) {
      return true;
    }
    if ((flags & GATEWAY_ERROR) != 0 && status >= 502 && status <= 504) {
      return true;
    }
    if ((flags & RETRIABLE_4XX) != 0 && status == 409) {
      return true;
    }
    if (statusCodes[status]) {
      return true;
    }
    return grpcStatus >= 0 && (grpcCodes & (1 << grpcStatus)) != 0;
  }

  static boolean isIdempotent(String method) {
    return switch (method) {
      case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
      default -> false;
    };
  }

  /**
   * Envoy's fully jittered exponential back-off in nanoseconds: retry {@code n} (1 for the first
   * retry) waits uniformly in [0, min(max, base × 2^(n-1))), i.e. [0, 25 ms), [0, 50 ms),
   * [0, 100 ms), ... capped at 250 ms by default. This follows Envoy's
   * {@code JitteredExponentialBackOffStrategy}; its docs' "[0, (2^N-1)·base)" is a looser bound.
   */
  public long backoffNanos(int retryNumber, RandomGenerator random) {
    if (retryNumber < 1) {
      throw new IllegalArgumentException("retryNumber: " + retryNumber + " (expected: >= 1)");
    }
    long ceiling = ceilingNanos[Math.min(retryNumber, ceilingNanos.length) - 1];
    return random.nextLong(ceiling);
  }

  /** {@link #backoffNanos} as a Duration. */
  public Duration backoff(int retryNumber, RandomGenerator random) {
    return Duration.ofNanos(backoffNanos(retryNumber, random));
  }
}
