package dev.meshwork.controlplane.internal.model;

import java.util.List;
import java.util.Map;

/**
 * Istio ServiceEntry with resolution STATIC (or NONE with no endpoints).
 *
 * @param endpoints inline endpoints, already expanded (one per host)
 * @param workloadSelector labels selecting WorkloadEntries in the same namespace; empty for none
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
