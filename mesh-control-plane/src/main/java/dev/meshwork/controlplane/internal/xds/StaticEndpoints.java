package dev.meshwork.controlplane.internal.xds;

import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.Locality;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.model.ServiceEntry;
import dev.meshwork.controlplane.internal.model.Source;
import dev.meshwork.controlplane.internal.model.WorkloadEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Endpoints declared in config rather than registered: ServiceEntry inline endpoints (already
 * expanded by the loader) plus the WorkloadEntries a ServiceEntry's {@code workloadSelector} picks.
 */
final class StaticEndpoints {
  private StaticEndpoints() {}

  static List<Endpoint> of(MeshConfig config) {
    List<Endpoint> out = new ArrayList<>();
    for (ServiceEntry se : config.serviceEntries()) {
      out.addAll(se.endpoints());
      if (se.workloadSelector().isEmpty()) {
        continue; // Istio: an empty selector selects nothing (inline endpoints are used instead)
      }
      for (WorkloadEntry we : config.workloadEntries()) {
        if (selects(se, we)) {
          for (String host : se.hosts()) {
            out.add(endpoint(host, se, we));
          }
        }
      }
    }
    return out;
  }

  /** Istio: same namespace, and the entry's labels contain every selector label. */
  private static boolean selects(ServiceEntry se, WorkloadEntry we) {
    return Objects.equals(namespace(se.source()), namespace(we.source()))
        && we.labels().entrySet().containsAll(se.workloadSelector().entrySet());
  }

  private static Endpoint endpoint(String host, ServiceEntry se, WorkloadEntry we) {
    // Istio's port rule: the entry's port named like the service port, else the service port's
    // targetPort, else the service port number itself.
    Map<Integer, Integer> ports = new LinkedHashMap<>();
    for (ServiceEntry.Port p : se.ports()) {
      Integer named = p.name() == null ? null : we.ports().get(p.name());
      ports.put(p.number(), named != null ? named : p.targetPort() != 0 ? p.targetPort() : p.number());
    }
    Locality locality = we.locality() == null ? Locality.NONE : we.locality();
    String origin = we.source() == null ? "WorkloadEntry " + we.address() : we.source().describe();
    return new Endpoint(host, we.address(), ports, we.labels(), locality, we.weight(), origin);
  }

  private static String namespace(Source s) {
    return s == null || s.namespace() == null ? "default" : s.namespace();
  }
}
