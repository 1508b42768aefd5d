package dev.meshwork.controlplane.internal.model;

import java.util.Map;

/**
 * Istio WorkloadEntry; ports maps port name to number, weight 0 means default; serviceAccount empty
 * when not set.
 */
public record WorkloadEntry(
    Source source, String address, Map<String, Integer> ports, Map<String, String> labels, Locality locality, int weight,
    String serviceAccount) {
  public WorkloadEntry {
    ports = Map.copyOf(ports);
    labels = Map.copyOf(labels);
    serviceAccount = serviceAccount == null ? "" : serviceAccount;
  }

  /** A workload without a service account. */
  public WorkloadEntry(
      Source source, String address, Map<String, Integer> ports, Map<String, String> labels, Locality locality, int weight) {
    this(source, address, ports, labels, locality, weight, "");
  }
}
