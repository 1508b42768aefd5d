package dev.meshwork.core.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.model.RouteModel;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {
  static RetryPolicy policy(String retryOn, Integer... codes) {
    return policy(retryOn, null, null, codes);
  }

  static RetryPolicy policy(String retryOn, Duration base, Duration max, Integer... codes) {
    Set<String> tokens = new HashSet<>(Arrays.asList(retryOn.split(",")));
    return RetryPolicy.of(new RouteModel.Retry(tokens, 2, Duration.ZERO, Set.of(codes), base, max, false, 1));
  }

  static AttemptOutcome outcome(String s) {
    return switch (s) {
      case "connect" -> AttemptOutcome.connectFailure();
      case "refused" -> AttemptOutcome.refusedStream();
      case "reset" -> AttemptOutcome.reset();
      case "timeout" -> AttemptOutcome.timeout();
      default -> s.startsWith("grpc:") ? AttemptOutcome.grpc(Integer.parseInt(s.substring(5)))
          : AttemptOutcome.http(Integer.parseInt(s.substring(5)));
    };
  }

  @ParameterizedTest(name = "[{0}] {1} {2} allowNonIdempotent={3} -> {4}")
  @CsvSource({
      // retry_on,                     outcome,   method, allowNonIdem, retried
      "5xx,                            http:503,  GET,    false, true",
      "5xx,                            http:500,  GET,    false, true",
      "5xx,                            http:404,  GET,    false, false",
      "5xx,                            connect,   GET,    false, true",
      "5xx,                            reset,     GET,    false, true",
      "5xx,                            timeout,   GET,    false, true",
      "5xx,                            refused,   GET,    false, true",
      "5xx,                            grpc:14,   POST,   true,  false", // gRPC status rides in a 200
      "gateway-error,                  http:500,  GET,    false, false",
      "gateway-error,                  http:502,  GET,    false, true",
      "gateway-error,                  http:504,  GET,    false, true",
      "gateway-error,                  connect,   GET,    false, true",
      "gateway-error,                  timeout,   GET,    false, true",
      "connect-failure,                connect,   GET,    false, true",
      "connect-failure,                reset,     GET,    false, false",
      "connect-failure,                timeout,   GET,    false, false",
      "connect-failure,                http:503,  GET,    false, false",
      "reset,                          reset,     GET,    false, true",
      "reset,                          timeout,   GET,    false, true",
      "reset,                          connect,   GET,    false, true",
      "reset,                          http:503,  GET,    false, false",
      "refused-stream,                 refused,   GET,    false, true",
      "refused-stream,                 reset,     GET,    false, false",
      "refused-stream,                 connect,   GET,    false, false",
      "reset-before-request,           connect,   GET,    false, true",
      "reset-before-request,           refused,   GET,    false, true",
      "reset-before-request,           reset,     GET,    false, false",
      "retriable-4xx,                  http:409,  GET,    false, true",
      "retriable-4xx,                  http:404,  GET,    false, false",
      "unavailable,                    grpc:14,   POST,   true,  true",
      "unavailable,                    grpc:13,   POST,   true,  false",
      "cancelled,                      grpc:1,    POST,   true,  true",
      "deadline-exceeded,              grpc:4,    POST,   true,  true",
      "internal,                       grpc:13,   POST,   true,  true",
      "resource-exhausted,             grpc:8,    POST,   true,  true",
      "unavailable,                    http:503,  GET,    false, false",
      "retriable-headers,              http:503,  GET,    false, false", // ignored token
      // idempotency: POST only on outcomes that were never processed, unless allowed
      "'5xx,connect-failure',          http:503,  POST,   false, false",
      "'5xx,connect-failure',          connect,   POST,   false, true",
      "'5xx,connect-failure',          reset,     POST,   false, false",
      "'5xx,connect-failure',          timeout,   POST,   false, false",
      "'5xx,refused-stream',           refused,   POST,   false, true",
      "'5xx,connect-failure',          http:503,  POST,   true,  true",
      "unavailable,                    grpc:14,   POST,   false, false",
      "5xx,                            http:503,  PATCH,  false, false",
      "5xx,                            http:503,  PUT,    false, true",
      "5xx,                            http:503,  DELETE, false, true",
      "5xx,                            http:503,  HEAD,   false, true",
      "5xx,                            http:503,  OPTIONS, false, true",
      "5xx,                            http:503,  TRACE,  false, true",
      "connect-failure,                connect,   PATCH,  false, true",
  })
  void retryOnTable(String retryOn, String outcome, String method, boolean allowNonIdempotent, boolean retried) {
    assertEquals(retried, policy(retryOn).retriable(outcome(outcome), method, allowNonIdempotent));
  }

  @Test
  void retriableStatusCodes_onlyWithTheToken_andOnlyListedCodes() {
    RetryPolicy withToken = policy("retriable-status-codes", 418, 429);
    assertTrue(withToken.retriable(AttemptOutcome.http(418), "GET", false));
    assertTrue(withToken.retriable(AttemptOutcome.http(429), "GET", false));
    assertFalse(withToken.retriable(AttemptOutcome.http(503), "GET", false));
    assertFalse(withToken.retriable(AttemptOutcome.reset(), "GET", false));
    assertFalse(policy("5xx", 418).retriable(AttemptOutcome.http(418), "GET", false));
  }

  @Test
  void none_neverRetries() {
    assertFalse(RetryPolicy.of(null).retriable(AttemptOutcome.connectFailure(), "GET", true));
    assertEquals(0, RetryPolicy.NONE.numRetries());
  }

  /** Returns the largest value below the bound, to read each back-off ceiling exactly. */
  static final RandomGenerator MAX_DRAW = new RandomGenerator() {
    @Override
    public long nextLong() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long nextLong(long bound) {
      return bound - 1;
    }
  };

  @Test
  void backoffCeilings_doubleFromBaseAndStopAtTenTimesBase_byDefault() {
    RetryPolicy p = policy("5xx");
    long[] ceilingsMs = {25, 50, 100, 200, 250, 250, 250};
    for (int n = 1; n <= ceilingsMs.length; n++) {
      assertEquals(Duration.ofMillis(ceilingsMs[n - 1]).toNanos() - 1, p.backoffNanos(n, MAX_DRAW), "retry " + n);
    }
    assertEquals(Duration.ofMillis(250).toNanos() - 1, p.backoffNanos(1000, MAX_DRAW));
  }

  @Test
  void backoffCeilings_followConfiguredBaseAndMax() {
    RetryPolicy p = policy("5xx", Duration.ofMillis(100), Duration.ofMillis(300));
    assertEquals(Duration.ofMillis(100).toNanos() - 1, p.backoffNanos(1, MAX_DRAW));
    assertEquals(Duration.ofMillis(200).toNanos() - 1, p.backoffNanos(2, MAX_DRAW));
    assertEquals(Duration.ofMillis(300).toNanos() - 1, p.backoffNanos(3, MAX_DRAW));
    assertEquals(Duration.ofMillis(300).toNanos() - 1, p.backoffNanos(4, MAX_DRAW));
  }

  @Test
  void backoff_fullyJittered_coversZeroToCeiling() {
    RetryPolicy p = policy("5xx");
    SplittableRandom random = new SplittableRandom(7);
    for (int n = 1; n <= 6; n++) {
      Duration ceiling = Duration.ofMillis(Math.min(250, 25L << (n - 1)));
      Duration min = ceiling;
      Duration max = Duration.ZERO;
      for (int i = 0; i < 2_000; i++) {
        Duration d = p.backoff(n, random);
        assertTrue(!d.isNegative() && d.compareTo(ceiling) < 0, d + " outside [0, " + ceiling + ")");
        min = d.compareTo(min) < 0 ? d : min;
        max = d.compareTo(max) > 0 ? d : max;
      }
      // Full jitter: draws reach both ends of the range, not a band around the interval.
      assertTrue(min.compareTo(ceiling.dividedBy(20)) < 0, "retry " + n + " min " + min);
      assertTrue(max.compareTo(ceiling.multipliedBy(19).dividedBy(20)) > 0, "retry " + n + " max " + max);
    }
  }
}
