package dev.meshwork.controlplane.internal.model;

import java.util.List;
import java.util.Map;

/**
 * Istio ServiceEntry with resolution STATIC (or NONE with no endpoints). {@code addresses} (VIPs)
 * are validated by the loader but not kept: a proxyless client connects to endpoint IPs itself.
 *
 * @param endpoints every endpoint of the entry, already expanded one per host: the inline
 *     endpoints, plus the WorkloadEntries its workloadSelector selects (same namespace, labels a
 *     superset of the selector), resolved by the loader. The translator reads only this list.
 * @param workloadSelector labels selecting WorkloadEntries in the same namespace; empty for none
 *     (kept for the admin API; the selection is already in {@code endpoints})
 */
public record ServiceEntry(
    Source source, List<String> hosts, List<Port> ports, List<Endpoint> endpoints, Map<String, String> workloadSelector) {
  public ServiceEntry {
    hosts = List.copyOf(hosts);
    ports = List.copyOf(ports);
    endpoints = List.copyOf(endpoints);
    workloadSelector = Map.copyOf(workloadSelector);
  }

  /** A declared service port; targetPort 0 means same as number. */
  public record Port(int number, String name, String protocol, int targetPort) {}
}
