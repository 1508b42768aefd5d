package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Any;
import dev.meshwork.controlplane.internal.model.Retries;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import java.util.ArrayList;
import java.util.List;

/**
 * Istio HTTPRetry to Envoy RetryPolicy, following istiod's retry.ConvertPolicy
 * (pilot/pkg/networking/core/route/retry/retry.go).
 *
 * <ul>
 *   <li>No retries configured: Istio's default policy: 2 retries on
 *       {@value #DEFAULT_RETRY_ON}, no retriable status codes (current istiod excludes 503 by
 *       default, EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY=true), retry on another host.
 *   <li>attempts 0: no retry policy at all.
 *   <li>Otherwise the default with num_retries, retry_on (only when given; numeric codes move to
 *       retriable_status_codes and add the {@code retriable-status-codes} token) and
 *       per_try_timeout replaced.
 * </ul>
 *
 * <p>gRPC honours only num_retries and the cancelled, deadline-exceeded, internal,
 * resource-exhausted and unavailable tokens; it ignores per_try_timeout and host predicates.
 */
final class RetryPolicies {
  static final String DEFAULT_RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";
  static final int DEFAULT_NUM_RETRIES = 2;
  static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
  private static final String STATUS_CODES_TOKEN = "retriable-status-codes";

  private RetryPolicies() {}

  /**
   * Null when retries are disabled.
   *
   * @param consistentHash true when the route hashes requests to hosts: then, like istiod, retries
   *     may go back to the same host (no previous_hosts predicate), keeping the affinity
   */
  static RetryPolicy convert(Retries in, boolean consistentHash) {
    if (in != null && in.attempts() <= 0) {
      return null;
    }
    RetryPolicy.Builder out = RetryPolicy.newBuilder()
        .setNumRetries(XdsProtos.uint32(DEFAULT_NUM_RETRIES))
        .setRetryOn(DEFAULT_RETRY_ON)
        .setHostSelectionRetryMaxAttempts(5);
    if (!consistentHash) {
      out.addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
          .setName(PREVIOUS_HOSTS)
          .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())));
    }
    if (in == null) {
      return out.build();
    }
    out.setNumRetries(XdsProtos.uint32(in.attempts()));
    if (!in.retryOn().isEmpty() || !in.retriableStatusCodes().isEmpty()) {
      List<String> tokens = new ArrayList<>(in.retryOn());
      if (!in.retriableStatusCodes().isEmpty() && !tokens.contains(STATUS_CODES_TOKEN)) {
        tokens.add(STATUS_CODES_TOKEN);
      }
      out.setRetryOn(String.join(",", tokens));
      out.addAllRetriableStatusCodes(in.retriableStatusCodes());
    }
    if (in.perTryTimeout() != null) {
      out.setPerTryTimeout(XdsProtos.duration(in.perTryTimeout()));
    }
    return out.build();
  }
}
