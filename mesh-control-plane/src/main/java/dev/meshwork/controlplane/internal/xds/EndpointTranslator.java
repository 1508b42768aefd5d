package dev.meshwork.controlplane.internal.xds;

import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.Locality;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * EDS: one ClusterLoadAssignment per cluster, named like the cluster.
 *
 * <p>Shaped for gRPC's parser: every locality carries a load_balancing_weight (gRPC drops
 * localities without one) equal to the sum of its endpoint weights; each locality appears once
 * (gRPC NACKs duplicates); all priority 0 (locality failover comes later). An address:port served
 * twice (registry and ServiceEntry, say) is kept once, the first in catalog order.
 */
final class EndpointTranslator {
  private EndpointTranslator() {}

  /** Always returns an assignment, empty when nothing serves the cluster, so clients stop waiting. */
  static ClusterLoadAssignment assignment(ServiceCatalog.ClusterSpec cluster) {
    Map<Locality, List<LbEndpoint>> byLocality = new LinkedHashMap<>(); // endpoints arrive sorted by locality
    Set<String> seen = new HashSet<>();
    for (Endpoint e : cluster.service().endpoints()) {
      int port = e.portFor(cluster.port());
      if (port < 0 || !e.labels().entrySet().containsAll(cluster.subsetLabels().entrySet())) {
        continue;
      }
      if (!seen.add(e.address() + "|" + port)) {
        continue;
      }
      byLocality.computeIfAbsent(ServiceCatalog.locality(e), l -> new ArrayList<>()).add(lbEndpoint(e, port));
    }
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(cluster.name());
    byLocality.forEach((locality, endpoints) -> {
      long weight = endpoints.stream().mapToLong(ep -> ep.getLoadBalancingWeight().getValue()).sum();
      cla.addEndpoints(LocalityLbEndpoints.newBuilder()
          .setLocality(io.envoyproxy.envoy.config.core.v3.Locality.newBuilder()
              .setRegion(locality.region())
              .setZone(locality.zone())
              .setSubZone(locality.subZone()))
          .setLoadBalancingWeight(XdsProtos.uint32(Math.max(1, Math.min(weight, 0xFFFF_FFFFL))))
          .setPriority(0)
          .addAllLbEndpoints(endpoints));
    });
    return cla.build();
  }

  private static LbEndpoint lbEndpoint(Endpoint e, int port) {
    return LbEndpoint.newBuilder()
        .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
            .setAddress(Address.newBuilder()
                .setSocketAddress(SocketAddress.newBuilder().setAddress(e.address()).setPortValue(port))))
        // Registry leases already expire dead instances; ejection of sick ones is outlier detection's job.
        .setHealthStatus(HealthStatus.HEALTHY)
        .setLoadBalancingWeight(XdsProtos.uint32(e.weight() > 0 ? e.weight() : 1))
        .build();
  }
}
