package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Duration;
import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import java.util.List;

/**
 * A DestinationRule's consistentHash key as route hash policies (the cluster side is a RingHash
 * load-balancing policy, see {@link LoadBalancingPolicies}).
 *
 * <p>gRPC honours only the header policy and the filter_state key {@value #GRPC_CHANNEL_ID}.
 * For {@code useSourceIp} we therefore emit two policies: Envoy hashes the source IP and finds no
 * such filter state; gRPC ignores source_ip and hashes the channel, which keeps one client channel
 * on one backend, the closest it gets to per-client affinity. Cookie hashing has no gRPC
 * equivalent (gRPC then hashes randomly per call).
 */
final class HashPolicies {
  static final String GRPC_CHANNEL_ID = "io.grpc.channel_id";

  private HashPolicies() {}

  static List<RouteAction.HashPolicy> of(TrafficPolicy.ConsistentHash ch) {
    if (ch == null) {
      return List.of();
    }
    if (ch.httpHeaderName() != null) {
      return List.of(RouteAction.HashPolicy.newBuilder()
          .setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(ch.httpHeaderName()))
          .build());
    }
    if (ch.httpCookie() != null) {
      RouteAction.HashPolicy.Cookie.Builder cookie = RouteAction.HashPolicy.Cookie.newBuilder()
          .setName(ch.httpCookie().name());
      if (ch.httpCookie().path() != null) {
        cookie.setPath(ch.httpCookie().path());
      }
      if (ch.httpCookie().ttl() != null) {
        Duration ttl = XdsProtos.duration(ch.httpCookie().ttl());
        cookie.setTtl(ttl);
      }
      return List.of(RouteAction.HashPolicy.newBuilder().setCookie(cookie).build());
    }
    if (ch.useSourceIp()) {
      return List.of(
          RouteAction.HashPolicy.newBuilder()
              .setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true))
              .build(),
          RouteAction.HashPolicy.newBuilder()
              .setFilterState(RouteAction.HashPolicy.FilterState.newBuilder().setKey(GRPC_CHANNEL_ID))
              .build());
    }
    return List.of();
  }

  /** The hash policies of a cluster's traffic policy, empty without consistentHash. */
  static List<RouteAction.HashPolicy> of(TrafficPolicy policy) {
    TrafficPolicy.LoadBalancer lb = policy.loadBalancer();
    return lb == null ? List.of() : of(lb.consistentHash());
  }
}
