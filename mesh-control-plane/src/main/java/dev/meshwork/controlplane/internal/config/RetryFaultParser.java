package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.model.Fault;
import dev.meshwork.controlplane.internal.model.Retries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTPRetry and HTTPFaultInjection, with Istio's rules.
 *
 * <p>retryOn: comma-separated Envoy {@code retry_on} / {@code retry_grpc_on} tokens; HTTP status
 * numbers go to {@code retriableStatusCodes} and, as Istio does, {@code retriable-status-codes} is
 * added to retryOn when they are present. An empty retryOn leaves Istio's default conditions to the
 * translator. Attempts 0 disables retries and then no other retry field may be set (Istio).
 *
 * <p>Fault percentages: when {@code percentage} (and, for delays, the deprecated {@code percent}) is
 * omitted the fault applies to no request. That is what Istio and Envoy do (istio/istio#36303; the
 * API docs were corrected to say so), even though older docs said "all requests".
 */
final class RetryFaultParser {
  private static final Schema RETRIES = Schema.of("attempts", "perTryTimeout", "retryOn")
      .unsupported("retryRemoteLocalities", "retryIgnorePreviousHosts", "backoff");
  private static final Schema FAULT = Schema.of("delay", "abort");
  private static final Schema DELAY = Schema.of("fixedDelay", "percentage", "percent").unsupported("exponentialDelay");
  private static final Schema ABORT = Schema.of("httpStatus", "grpcStatus", "percentage").unsupported("http2Error");
  private static final Schema PERCENT = Schema.of("value");
  private static final List<String> RETRY_ON = List.of(
      "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "envoy-ratelimited",
      "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers", "http3-post-connect-failure",
      "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable");
  /** gRPC code names as Istio accepts them (istio pkg/util/grpc), OK included. */
  private static final List<String> GRPC_CODES = List.of(
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
      "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");

  private RetryFaultParser() {}

  static Retries retries(ObjectReader route) {
    ObjectReader r = route.object("retries", RETRIES);
    if (r == null) {
      return null;
    }
    int before = r.ctx().errorCount();
    Long attempts = r.integer("attempts", 0, Integer.MAX_VALUE);
    Duration perTry = r.duration("perTryTimeout");
    List<String> retryOn = new ArrayList<>();
    List<Integer> codes = new ArrayList<>();
    String spec = r.string("retryOn");
    if (spec != null) {
      for (String raw : spec.split(",", -1)) {
        String token = raw.trim();
        if (token.isEmpty()) {
          r.ctx().error(r.path("retryOn"), "empty condition in " + Texts.quote(spec));
        } else if (token.matches("[0-9]{1,3}")) {
          int code = Integer.parseInt(token);
          if (code < 100 || code > 599) {
            r.ctx().error(r.path("retryOn"), "status " + token + " (expected: 100..599)");
          } else if (!codes.contains(code)) {
            codes.add(code);
          }
        } else if (!RETRY_ON.contains(token)) {
          r.ctx().error(r.path("retryOn"), Texts.quote(token) + " is not a retry condition (expected: HTTP status "
              + "codes or " + String.join(", ", RETRY_ON) + ")");
        } else if (!retryOn.contains(token)) {
          retryOn.add(token);
        }
      }
      if (!codes.isEmpty() && !retryOn.contains("retriable-status-codes")) {
        retryOn.add("retriable-status-codes");
      }
    }
    boolean disabled = attempts == null ? !r.has("attempts") : attempts == 0;
    if (disabled && (r.has("perTryTimeout") || r.has("retryOn"))) {
      r.ctx().error(r.path("attempts"), "retry policy configured while attempts is 0 (retries disabled); set attempts >= 1");
    }
    if (r.ctx().errorCount() != before) {
      return null;
    }
    return new Retries(attempts == null ? 0 : attempts.intValue(), perTry, retryOn, codes);
  }

  static Fault fault(ObjectReader route) {
    ObjectReader f = route.object("fault", FAULT);
    if (f == null) {
      return null;
    }
    int before = f.ctx().errorCount();
    if (!f.has("delay") && !f.has("abort")) {
      f.ctx().error(f.path(), "expected delay and/or abort");
    }
    Fault.Delay delay = null;
    ObjectReader d = f.object("delay", DELAY);
    if (d != null && d.require("fixedDelay")) {
      Duration fixed = d.duration("fixedDelay");
      double pct = percentage(d, "percentage", 0);
      if (d.has("percent")) {
        if (d.has("percentage")) {
          d.ctx().error(d.path("percent"), "set only one of percentage, percent (percent is deprecated)");
        }
        Long legacy = d.integer("percent", 0, 100);
        pct = legacy == null ? 0 : legacy;
      }
      delay = fixed == null ? null : new Fault.Delay(fixed, pct);
    }
    Fault.Abort abort = null;
    ObjectReader a = f.object("abort", ABORT);
    if (a != null) {
      double pct = percentage(a, "percentage", 0);
      if (a.has("httpStatus") == a.has("grpcStatus")) {
        if (!a.has("http2Error")) {
          a.ctx().error(a.path(), "expected exactly one of httpStatus, grpcStatus");
        }
      } else if (a.has("httpStatus")) {
        Long status = a.integer("httpStatus", 200, 599);
        abort = status == null ? null : new Fault.Abort(status.intValue(), null, pct);
      } else {
        String status = a.oneOf("grpcStatus", GRPC_CODES);
        abort = status == null ? null : new Fault.Abort(0, status, pct);
      }
    }
    return f.ctx().errorCount() != before ? null : new Fault(delay, abort);
  }

  /**
   * Istio's Percent under {@code key}: 0, or 0.0001..100 (a mapping with a required {@code value});
   * {@code absent} when the key is absent (faults: 0, no request is faulted; mirrors: 100).
   */
  static double percentage(ObjectReader r, String key, double absent) {
    ObjectReader p = r.object(key, PERCENT);
    if (p == null) {
      return absent;
    }
    if (!p.require("value")) {
      return 0;
    }
    Double v = p.number("value", 0, 100);
    if (v != null && v > 0 && v < 0.0001) {
      p.ctx().error(p.path("value"), v + " (expected: 0 or 0.0001..100)");
    }
    return v == null ? 0 : v;
  }
}
