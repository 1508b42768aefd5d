package dev.meshwork.controlplane.internal.xds;

import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.model.ServiceEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Endpoints declared in config rather than registered: each ServiceEntry's endpoints, which the
 * loader has already expanded (inline endpoints, and the WorkloadEntries its selector picks, with
 * Istio's port rule applied).
 */
final class StaticEndpoints {
  private StaticEndpoints() {}

  static List<Endpoint> of(MeshConfig config) {
    List<Endpoint> out = new ArrayList<>();
    for (ServiceEntry se : config.serviceEntries()) {
      out.addAll(se.endpoints());
    }
    return out;
  }
}
