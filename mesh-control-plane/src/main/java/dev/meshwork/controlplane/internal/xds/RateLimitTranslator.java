package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Any;
import dev.meshwork.controlplane.internal.model.LocalRateLimit;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.envoyproxy.envoy.type.v3.TokenBucket;

/**
 * Meshwork's {@code ratelimit.meshwork.dev/local} annotation to Envoy's
 * {@value XdsNames#LOCAL_RATE_LIMIT_FILTER} filter: the listener gets the filter with no bucket
 * of its own (it limits nothing by itself), and every route of the VirtualService a per-route
 * LocalRateLimit with the token bucket, enabled and enforced for 100% of requests, answering 429.
 *
 * <p>Both are marked optional ({@code is_optional} on the HttpFilter, a {@code FilterConfig}
 * wrapper with {@code is_optional} on the route), because gRPC's xDS client has no local rate
 * limit filter and would otherwise NACK the listener and the route configuration: gRPC clients
 * skip the filter and are not limited. Envoy and our HTTP client apply it; each route has its own
 * bucket, in each client process.
 */
final class RateLimitTranslator {
  static final String STAT_PREFIX = "http_local_rate_limiter";

  private RateLimitTranslator() {}

  /** The listener's filter: optional, no token bucket (routes carry theirs). */
  static HttpFilter filter() {
    return HttpFilter.newBuilder()
        .setName(XdsNames.LOCAL_RATE_LIMIT_FILTER)
        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit.newBuilder()
            .setStatPrefix(STAT_PREFIX)
            .build()))
        .setIsOptional(true)
        .build();
  }

  /** A route's typed_per_filter_config value: the bucket, wrapped in an optional FilterConfig. */
  static Any perRoute(LocalRateLimit limit) {
    RuntimeFractionalPercent all = RuntimeFractionalPercent.newBuilder()
        .setDefaultValue(FractionalPercent.newBuilder()
            .setNumerator(100)
            .setDenominator(FractionalPercent.DenominatorType.HUNDRED))
        .build();
    var config = io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit.newBuilder()
        .setStatPrefix(STAT_PREFIX)
        .setTokenBucket(TokenBucket.newBuilder()
            .setMaxTokens((int) limit.maxTokens()) // uint32: the proto setter takes the bits
            .setTokensPerFill(XdsProtos.uint32(limit.tokensPerFill()))
            .setFillInterval(XdsProtos.duration(limit.fillInterval())))
        .setFilterEnabled(all)
        .setFilterEnforced(all)
        .setStatus(HttpStatus.newBuilder().setCode(StatusCode.TooManyRequests))
        .build();
    return Any.pack(FilterConfig.newBuilder().setIsOptional(true).setConfig(Any.pack(config)).build());
  }
}
