package dev.meshwork.controlplane.internal.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import dev.meshwork.controlplane.internal.xds.XdsResources;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Renders the served xDS resources for the admin API. */
final class ServedViews {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
      .usingTypeRegistry(TypeRegistry.newBuilder()
          .add(HttpConnectionManager.getDescriptor())
          .add(Router.getDescriptor())
          .add(HTTPFault.getDescriptor())
          .add(LocalRateLimit.getDescriptor())
          .add(FilterConfig.getDescriptor())
          .add(LeastRequest.getDescriptor())
          .add(RoundRobin.getDescriptor())
          .add(Random.getDescriptor())
          .add(RingHash.getDescriptor())
          .add(HttpProtocolOptions.getDescriptor())
          .add(PreviousHostsPredicate.getDescriptor())
          .build());

  private final Supplier<XdsResources> served;

  ServedViews(Supplier<XdsResources> served) {
    this.served = served;
  }

  Object listeners() {
    return render(served.get().listeners());
  }

  Object routes() {
    return render(served.get().routes());
  }

  Object clusters() {
    return render(served.get().clusters());
  }

  Object endpoints() {
    return render(served.get().endpoints());
  }

  /** Services by name: their clusters (Istio names) and the endpoints each cluster has. */
  Object services() {
    Map<String, Map<String, List<String>>> byService = new TreeMap<>();
    XdsResources r = served.get();
    for (String cluster : r.clusters().keySet()) {
      String[] parts = cluster.split("\\|", -1);
      String service = parts.length == 4 ? parts[3] : cluster;
      List<String> eps = new ArrayList<>();
      ClusterLoadAssignment cla = r.endpoints().get(cluster);
      if (cla != null) {
        for (LocalityLbEndpoints l : cla.getEndpointsList()) {
          for (LbEndpoint e : l.getLbEndpointsList()) {
            var sa = e.getEndpoint().getAddress().getSocketAddress();
            String zone = l.getLocality().getZone();
            eps.add(sa.getAddress() + ":" + sa.getPortValue() + (zone.isEmpty() ? "" : " (" + zone + ")"));
          }
        }
      }
      byService.computeIfAbsent(service, k -> new TreeMap<>()).put(cluster, eps);
    }
    List<Object> out = new ArrayList<>();
    byService.forEach((name, clusters) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("routes", r.routes().containsKey(name));
      m.put("clusters", clusters);
      out.add(m);
    });
    return out;
  }

  private static AdminServer.RawJson render(Map<String, ? extends Message> resources) {
    StringBuilder sb = new StringBuilder("[");
    for (Message m : resources.values()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      try {
        sb.append(PRINTER.print(m));
      } catch (InvalidProtocolBufferException e) {
        sb.append("{\"error\":\"").append(e.getMessage().replace("\"", "'")).append("\"}");
      }
    }
    return new AdminServer.RawJson(sb.append(']').toString());
  }
}
