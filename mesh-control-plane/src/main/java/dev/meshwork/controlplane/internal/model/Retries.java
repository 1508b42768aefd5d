package dev.meshwork.controlplane.internal.model;

import java.time.Duration;
import java.util.List;

/**
 * Istio HTTPRetry.
 *
 * @param attempts number of retries (Envoy num_retries); 0 disables retries
 * @param perTryTimeout null when not set
 * @param retryOn Envoy retry_on tokens in YAML order (e.g. "5xx", "unavailable"); numeric HTTP
 *     status codes are kept in {@code retriableStatusCodes} instead
 * @param retriableStatusCodes HTTP codes listed in retryOn (Envoy retriable_status_codes)
 */
public record Retries(int attempts, Duration perTryTimeout, List<String> retryOn, List<Integer> retriableStatusCodes) {
  public Retries {
    retryOn = List.copyOf(retryOn);
    retriableStatusCodes = List.copyOf(retriableStatusCodes);
  }
}
