package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import dev.meshwork.core.internal.model.Matchers;
import dev.meshwork.core.internal.model.RouteModel;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP filters we implement: HTTPFault and LocalRateLimit configs, both as the listener's own
 * config and as per-route overrides (see {@link PerFilterConfigs}).
 *
 * <p>Fault settings that narrow where a fault applies (upstream_cluster, downstream_nodes) or
 * inject what we cannot (header-controlled faults, response rate limits) are rejected: ignoring
 * them would inject more than asked. max_active_faults (a safety cap) and the runtime key names
 * are ignored. LocalRateLimit descriptors are ignored: only the filter's token bucket is applied.
 */
final class FilterParser {
  static final String FAULT_FILTER = "envoy.filters.http.fault";
  static final String RATE_LIMIT_FILTER = "envoy.filters.http.local_ratelimit";
  static final String FAULT_TYPE = HTTPFault.getDescriptor().getFullName();
  static final String RATE_LIMIT_TYPE = LocalRateLimit.getDescriptor().getFullName();
  /** Envoy rejects faster refills: its timer does not go below 50 ms. */
  static final Duration MIN_FILL_INTERVAL = Duration.ofMillis(50);
  static final int DEFAULT_LIMITED_STATUS = 429;

  private FilterParser() {}

  /** {@link RouteModel.Fault#NONE} when the config injects nothing. */
  static RouteModel.Fault fault(HTTPFault f) {
    if (!f.getUpstreamCluster().isEmpty()) {
      throw new BadField("upstream_cluster", "is not supported");
    }
    if (f.getDownstreamNodesCount() > 0) {
      throw new BadField("downstream_nodes", "is not supported");
    }
    if (f.hasResponseRateLimit()) {
      throw new BadField("response_rate_limit", "is not supported");
    }
    Duration delay = null;
    int delayPerMillion = 0;
    if (f.hasDelay()) {
      FaultDelay d = f.getDelay();
      delay = switch (d.getFaultDelaySecifierCase()) {
        case FIXED_DELAY -> at("delay.fixed_delay", () -> Protos.duration(d.getFixedDelay()));
        case HEADER_DELAY -> throw new BadField("delay.header_delay", "is not supported");
        case FAULTDELAYSECIFIER_NOT_SET -> throw new BadField("delay", "has no fixed_delay");
      };
      delayPerMillion = at("delay.percentage", () -> Protos.perMillion(d.getPercentage()));
    }
    int httpStatus = 0;
    int grpcStatus = -1;
    int abortPerMillion = 0;
    if (f.hasAbort()) {
      FaultAbort a = f.getAbort();
      switch (a.getErrorTypeCase()) {
        case HTTP_STATUS -> {
          httpStatus = a.getHttpStatus();
          if (httpStatus < 200 || httpStatus >= 600) {
            throw new BadField("abort.http_status", Protos.uint32(httpStatus) + " is out of range (expected: 200-599)");
          }
        }
        case GRPC_STATUS -> {
          grpcStatus = a.getGrpcStatus();
          if (grpcStatus < 0 || grpcStatus > 16) {
            throw new BadField("abort.grpc_status", Protos.uint32(grpcStatus) + " is not a gRPC status code (expected: 0-16)");
          }
        }
        case HEADER_ABORT -> throw new BadField("abort.header_abort", "is not supported");
        case ERRORTYPE_NOT_SET -> throw new BadField("abort", "has no http_status or grpc_status");
      }
      abortPerMillion = at("abort.percentage", () -> Protos.perMillion(a.getPercentage()));
    }
    List<Matchers.HeaderMatcher> headers = new ArrayList<>();
    for (int i = 0; i < f.getHeadersCount(); i++) {
      int index = i;
      headers.add(at("headers[" + i + "]", () -> MatcherParser.header(f.getHeaders(index))));
    }
    RouteModel.Fault fault = new RouteModel.Fault(delay, delayPerMillion, httpStatus, grpcStatus, abortPerMillion, headers);
    return fault.isNone() ? RouteModel.Fault.NONE : fault;
  }

  /** {@link RouteModel.RateLimit#DISABLED} without a token bucket: the config then limits nothing. */
  static RouteModel.RateLimit rateLimit(LocalRateLimit l) {
    if (!l.hasTokenBucket()) {
      return RouteModel.RateLimit.DISABLED;
    }
    TokenBucket b = l.getTokenBucket();
    long maxTokens = Protos.uint32(b.getMaxTokens());
    if (maxTokens == 0) {
      throw new BadField("token_bucket.max_tokens", "is 0 (expected: > 0)");
    }
    long perFill = b.hasTokensPerFill() ? Protos.uint32(b.getTokensPerFill().getValue()) : 1;
    if (perFill == 0) {
      throw new BadField("token_bucket.tokens_per_fill", "is 0 (expected: > 0)");
    }
    if (!b.hasFillInterval()) {
      throw new BadField("token_bucket.fill_interval", "is missing");
    }
    Duration fill = at("token_bucket.fill_interval", () -> Protos.duration(b.getFillInterval()));
    if (fill.compareTo(MIN_FILL_INTERVAL) < 0) {
      throw new BadField("token_bucket.fill_interval", fill.toMillis() + "ms is below 50ms (Envoy's minimum)");
    }
    // Absent runtime fractions mean 0%: the filter then neither counts nor limits, as in Envoy.
    int enabled = at("filter_enabled", () -> Protos.perMillion(l.getFilterEnabled(), l.hasFilterEnabled(), 0));
    int enforced = at("filter_enforced", () -> Protos.perMillion(l.getFilterEnforced(), l.hasFilterEnforced(), 0));
    int status = l.hasStatus() && l.getStatus().getCodeValue() != 0 ? l.getStatus().getCodeValue() : DEFAULT_LIMITED_STATUS;
    return new RouteModel.RateLimit(maxTokens, perFill, fill, enabled, enforced, status);
  }
}
