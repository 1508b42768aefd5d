package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.UInt64Value;
import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;

/**
 * Maps Istio's LoadBalancerSettings to a cluster's {@code load_balancing_policy} (the typed list,
 * which Envoy and gRPC both prefer over the {@code lb_policy} enum) plus the matching enum for
 * readers.
 *
 * <p>Why the list and not just the enum: grpc-java NACKs an enum other than ROUND_ROBIN, RING_HASH
 * or LEAST_REQUEST, and honours LEAST_REQUEST only behind an environment flag; from the list it
 * takes the first policy it supports, LeastRequest included, skipping unknown ones.
 *
 * <ul>
 *   <li>UNSPECIFIED (Istio's default) and LEAST_REQUEST: [LeastRequest, RoundRobin]
 *   <li>ROUND_ROBIN: [RoundRobin]
 *   <li>RANDOM: [Random, RoundRobin]. <b>Deviation:</b> gRPC has no random picker and falls back
 *       to round robin; Envoy (and our HTTP client) pick at random.
 *   <li>consistentHash: [RingHash{XX_HASH, minimum_ring_size when set}]; the hash key itself is a
 *       route-level hash policy (see {@link HashPolicies}).
 *   <li>PASSTHROUGH: what istiod writes, an ORIGINAL_DST cluster with lb_policy CLUSTER_PROVIDED
 *       and no EDS. A proxyless client has no original destination to forward to, so gRPC and
 *       Meshwork clients both NACK such a cluster and keep its previous version; the NACK shows
 *       on the admin API's /clients. Translated rather than refused so the config means what it
 *       means under istiod.
 * </ul>
 */
final class LoadBalancingPolicies {
  private LoadBalancingPolicies() {}

  static void apply(Cluster.Builder cluster, TrafficPolicy.LoadBalancer lb) {
    LoadBalancingPolicy.Builder policy = LoadBalancingPolicy.newBuilder();
    if (lb != null && lb.consistentHash() != null) {
      RingHash.Builder ring = RingHash.newBuilder().setHashFunction(RingHash.HashFunction.XX_HASH);
      if (lb.consistentHash().minimumRingSize() > 0) {
        ring.setMinimumRingSize(UInt64Value.of(lb.consistentHash().minimumRingSize()));
      }
      cluster.setLbPolicy(Cluster.LbPolicy.RING_HASH);
      add(policy, "envoy.load_balancing_policies.ring_hash", ring.build());
    } else if (lb != null && lb.simple() == TrafficPolicy.Simple.PASSTHROUGH) {
      cluster.clearEdsClusterConfig()
          .setType(Cluster.DiscoveryType.ORIGINAL_DST)
          .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED);
      return;
    } else {
      TrafficPolicy.Simple simple = lb == null || lb.simple() == null ? TrafficPolicy.Simple.UNSPECIFIED : lb.simple();
      switch (simple) {
        case ROUND_ROBIN -> cluster.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
        case RANDOM -> {
          cluster.setLbPolicy(Cluster.LbPolicy.RANDOM);
          add(policy, "envoy.load_balancing_policies.random", Random.getDefaultInstance());
        }
        case UNSPECIFIED, LEAST_REQUEST -> {
          cluster.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
          add(policy, "envoy.load_balancing_policies.least_request", LeastRequest.getDefaultInstance());
        }
      }
      // Every non-hash list ends in RoundRobin: the one policy every xDS client implements.
      add(policy, "envoy.load_balancing_policies.round_robin", RoundRobin.getDefaultInstance());
    }
    cluster.setLoadBalancingPolicy(policy);
  }

  private static void add(LoadBalancingPolicy.Builder policy, String name, com.google.protobuf.Message config) {
    policy.addPolicies(LoadBalancingPolicy.Policy.newBuilder().setTypedExtensionConfig(XdsProtos.extension(name, config)));
  }
}
