package dev.meshwork.controlplane.internal.model;

import java.util.Map;

/** Istio WorkloadEntry; ports maps port name to number, weight 0 means default. */
public record WorkloadEntry(
    Source source, String address, Map<String, Integer> ports, Map<String, String> labels, Locality locality, int weight) {
  public WorkloadEntry {
    ports = Map.copyOf(ports);
    labels = Map.copyOf(labels);
  }
}
