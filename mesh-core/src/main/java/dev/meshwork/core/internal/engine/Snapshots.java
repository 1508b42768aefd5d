package dev.meshwork.core.internal.engine;

import dev.meshwork.core.engine.MeshSnapshot;
import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.model.RouteModel;
import java.util.ArrayList;
import java.util.List;

/** Builds {@link MeshSnapshot}s from the engine's published states. Stateless. */
final class Snapshots {
  private Snapshots() {}

  static MeshSnapshot.Service service(String name, ServiceTable.State state) {
    if (state == null) {
      return new MeshSnapshot.Service(name, false, List.of());
    }
    List<MeshSnapshot.Route> routes = new ArrayList<>();
    for (RouteModel.VirtualHost vh : state.config().virtualHosts()) {
      for (RouteModel.Route r : vh.routes()) {
        routes.add(route(r));
      }
    }
    return new MeshSnapshot.Service(name, true, routes);
  }

  private static MeshSnapshot.Route route(RouteModel.Route r) {
    RouteModel.Action a = r.action();
    List<String> clusters = a == null ? List.of()
        : a.clusters().stream().map(c -> c.name() + "=" + c.weight()).toList();
    return new MeshSnapshot.Route(r.name() == null ? "" : r.name(), String.valueOf(r.match()), clusters,
        a == null || a.timeout() == null ? "PT0S" : a.timeout().toString(),
        a == null || a.retry() == null ? 0 : a.retry().numRetries(),
        r.fault() != null && !r.fault().isNone());
  }

  static MeshSnapshot.Cluster cluster(ClusterTable.Entry entry) {
    ClusterState state = entry.state;
    if (state == null) {
      return new MeshSnapshot.Cluster(entry.name, "UNKNOWN", false, List.of());
    }
    List<String> endpoints = new ArrayList<>();
    for (ClusterModel.Address a : entry.addresses) {
      endpoints.add(a.hostPort() + (a.healthy() ? "" : " (unhealthy)"));
    }
    return new MeshSnapshot.Cluster(entry.name, state.config().lbPolicy().name(), state.config().tls() != null,
        endpoints);
  }
}
