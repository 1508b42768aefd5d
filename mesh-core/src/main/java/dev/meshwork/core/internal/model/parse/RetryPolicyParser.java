package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import dev.meshwork.core.internal.model.RouteModel;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Envoy RetryPolicy with Envoy's defaults: num_retries 1, back-off base 25 ms and max 10 × base,
 * host selection attempts 1. Host predicates other than previous_hosts and retry priorities are
 * ignored (they only steer which host a retry prefers); header conditions that decide whether to
 * retry at all are rejected, since ignoring them would retry requests Envoy would not.
 */
final class RetryPolicyParser {
  static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
  static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(25);

  private RetryPolicyParser() {}

  static RouteModel.Retry retry(RetryPolicy r) {
    Set<String> retryOn = new LinkedHashSet<>();
    for (String token : r.getRetryOn().split(",")) {
      String t = token.trim();
      if (!t.isEmpty()) {
        retryOn.add(t); // unknown tokens are kept and ignored later, as Envoy ignores them
      }
    }
    int numRetries = r.hasNumRetries()
        ? at("num_retries", () -> Protos.uint32AsInt(r.getNumRetries().getValue()))
        : 1;
    Duration perTry = r.hasPerTryTimeout() ? at("per_try_timeout", () -> Protos.duration(r.getPerTryTimeout())) : Duration.ZERO;
    Set<Integer> codes = new LinkedHashSet<>();
    for (int i = 0; i < r.getRetriableStatusCodesCount(); i++) {
      int code = r.getRetriableStatusCodes(i);
      if (code < 100 || code > 599) {
        throw new BadField("retriable_status_codes[" + i + "]", Protos.uint32(code) + " is not an HTTP status (expected: 100-599)");
      }
      codes.add(code);
    }
    Duration base = DEFAULT_BACKOFF_BASE;
    Duration max = base.multipliedBy(10);
    if (r.hasRetryBackOff()) {
      RetryPolicy.RetryBackOff b = r.getRetryBackOff();
      base = at("retry_back_off.base_interval", () -> positive(b.hasBaseInterval(), b.getBaseInterval()));
      Duration baseValue = base;
      max = b.hasMaxInterval()
          ? at("retry_back_off.max_interval", () -> positive(true, b.getMaxInterval()))
          : base.multipliedBy(10);
      if (max.compareTo(baseValue) < 0) {
        throw new BadField("retry_back_off.max_interval", max + " is below base_interval " + base);
      }
    }
    boolean previousHosts = false;
    for (RetryPolicy.RetryHostPredicate p : r.getRetryHostPredicateList()) {
      boolean byType = p.hasTypedConfig()
          && Protos.typeName(p.getTypedConfig()).equals(PreviousHostsPredicate.getDescriptor().getFullName());
      previousHosts |= byType || PREVIOUS_HOSTS.equals(p.getName());
    }
    if (r.getRetriableHeadersCount() > 0) {
      throw new BadField("retriable_headers", "is not supported");
    }
    if (r.getRetriableRequestHeadersCount() > 0) {
      throw new BadField("retriable_request_headers", "is not supported");
    }
    long attempts = r.getHostSelectionRetryMaxAttempts();
    if (attempts < 0) {
      throw new BadField("host_selection_retry_max_attempts", attempts + " is negative");
    }
    // Envoy: "if unspecified, this will default to retrying once".
    int hostAttempts = attempts == 0 ? 1 : (int) Math.min(attempts, Integer.MAX_VALUE);
    return new RouteModel.Retry(retryOn, numRetries, perTry, codes, base, max, previousHosts, hostAttempts);
  }

  private static Duration positive(boolean present, com.google.protobuf.Duration d) {
    if (!present) {
      throw new BadField("", "is missing (required when retry_back_off is set)");
    }
    Duration v = Protos.duration(d);
    if (v.isZero()) {
      throw new BadField("", "is 0 (expected: > 0)");
    }
    return v;
  }
}
