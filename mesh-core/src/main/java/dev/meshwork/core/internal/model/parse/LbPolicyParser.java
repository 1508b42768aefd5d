package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import com.google.protobuf.Any;
import dev.meshwork.core.internal.model.ClusterModel;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;

/**
 * A cluster's load balancer: the first policy of {@code load_balancing_policy} we implement
 * (unknown ones are skipped, as Envoy and gRPC do; WrrLocality is unwrapped to its endpoint
 * picking policy, since we pool localities anyway), else the {@code lb_policy} enum with its
 * legacy {@code *_lb_config}. Ring hash: any hash function is accepted, but our ring always uses
 * xxHash64 (see the lb package).
 */
final class LbPolicyParser {
  static final long DEFAULT_MIN_RING = 1024;
  static final long DEFAULT_MAX_RING = 8 * 1024 * 1024;
  static final int DEFAULT_CHOICES = 2;

  private LbPolicyParser() {}

  /** The policy and its knobs; ring sizes and choices carry defaults when another policy is chosen. */
  record Lb(ClusterModel.LbPolicy policy, int choices, long minRing, long maxRing) {
    static Lb of(ClusterModel.LbPolicy policy) {
      return new Lb(policy, DEFAULT_CHOICES, DEFAULT_MIN_RING, DEFAULT_MAX_RING);
    }
  }

  static Lb lb(Cluster c) {
    if (c.hasLoadBalancingPolicy() && c.getLoadBalancingPolicy().getPoliciesCount() > 0) {
      Lb lb = at("load_balancing_policy", () -> firstSupported(c.getLoadBalancingPolicy()));
      if (lb == null) {
        throw new BadField("load_balancing_policy", "has no supported policy (expected one of round_robin, "
            + "least_request, random, ring_hash, maglev)");
      }
      return lb;
    }
    return switch (c.getLbPolicy()) {
      case ROUND_ROBIN -> Lb.of(ClusterModel.LbPolicy.ROUND_ROBIN);
      case RANDOM -> Lb.of(ClusterModel.LbPolicy.RANDOM);
      case MAGLEV -> Lb.of(ClusterModel.LbPolicy.MAGLEV);
      case LEAST_REQUEST -> {
        int choices = c.hasLeastRequestLbConfig() && c.getLeastRequestLbConfig().hasChoiceCount()
            ? at("least_request_lb_config.choice_count", () -> choices(c.getLeastRequestLbConfig().getChoiceCount().getValue()))
            : DEFAULT_CHOICES;
        yield new Lb(ClusterModel.LbPolicy.LEAST_REQUEST, choices, DEFAULT_MIN_RING, DEFAULT_MAX_RING);
      }
      case RING_HASH -> {
        Cluster.RingHashLbConfig r = c.getRingHashLbConfig();
        yield at("ring_hash_lb_config", () -> ring(r.hasMinimumRingSize(), r.getMinimumRingSize().getValue(),
            r.hasMaximumRingSize(), r.getMaximumRingSize().getValue()));
      }
      default -> throw new BadField("lb_policy", c.getLbPolicy() + " is not supported");
    };
  }

  /** Null when no policy in the list is supported. */
  private static Lb firstSupported(LoadBalancingPolicy list) {
    for (int i = 0; i < list.getPoliciesCount(); i++) {
      Any config = list.getPolicies(i).getTypedExtensionConfig().getTypedConfig();
      Lb lb = at("policies[" + i + "].typed_extension_config.typed_config", () -> policy(config));
      if (lb != null) {
        return lb;
      }
    }
    return null;
  }

  private static Lb policy(Any config) {
    String type = Protos.typeName(config);
    if (type.equals(RoundRobin.getDescriptor().getFullName())) {
      return Lb.of(ClusterModel.LbPolicy.ROUND_ROBIN);
    }
    if (type.equals(Random.getDescriptor().getFullName())) {
      return Lb.of(ClusterModel.LbPolicy.RANDOM);
    }
    if (type.equals(Maglev.getDescriptor().getFullName())) {
      return Lb.of(ClusterModel.LbPolicy.MAGLEV);
    }
    if (type.equals(LeastRequest.getDescriptor().getFullName())) {
      LeastRequest lr = Protos.unpack(config, LeastRequest.class);
      int choices = lr.hasChoiceCount() ? at("choice_count", () -> choices(lr.getChoiceCount().getValue())) : DEFAULT_CHOICES;
      return new Lb(ClusterModel.LbPolicy.LEAST_REQUEST, choices, DEFAULT_MIN_RING, DEFAULT_MAX_RING);
    }
    if (type.equals(RingHash.getDescriptor().getFullName())) {
      RingHash r = Protos.unpack(config, RingHash.class);
      return ring(r.hasMinimumRingSize(), r.getMinimumRingSize().getValue(), r.hasMaximumRingSize(),
          r.getMaximumRingSize().getValue());
    }
    if (type.equals(WrrLocality.getDescriptor().getFullName())) {
      WrrLocality w = Protos.unpack(config, WrrLocality.class);
      return at("endpoint_picking_policy", () -> firstSupported(w.getEndpointPickingPolicy()));
    }
    return null;
  }

  private static int choices(int count) {
    if (count < 2) {
      throw new BadField("", Protos.uint32(count) + " is below 2");
    }
    return count;
  }

  /** Envoy's limits: sizes up to 8M, minimum not above maximum. */
  private static Lb ring(boolean hasMin, long min, boolean hasMax, long max) {
    long lo = hasMin ? min : DEFAULT_MIN_RING;
    long hi = hasMax ? max : DEFAULT_MAX_RING;
    if (lo <= 0 || lo > DEFAULT_MAX_RING) {
      throw new BadField("minimum_ring_size", Long.toUnsignedString(lo) + " is out of range (expected: 1-8388608)");
    }
    if (hi <= 0 || hi > DEFAULT_MAX_RING) {
      throw new BadField("maximum_ring_size", Long.toUnsignedString(hi) + " is out of range (expected: 1-8388608)");
    }
    if (lo > hi) {
      throw new BadField("minimum_ring_size", lo + " is above maximum_ring_size " + hi);
    }
    return new Lb(ClusterModel.LbPolicy.RING_HASH, DEFAULT_CHOICES, lo, hi);
  }
}
