package dev.meshwork.controlplane.internal.model;

import java.util.List;

/**
 * A whole, validated configuration: every file of the config directory at one point in time.
 * Cross-resource rules (subsets exist, one VirtualService per host...) already hold.
 */
public record MeshConfig(
    List<VirtualService> virtualServices,
    List<DestinationRule> destinationRules,
    List<ServiceEntry> serviceEntries,
    List<WorkloadEntry> workloadEntries) {
  public static final MeshConfig EMPTY = new MeshConfig(List.of(), List.of(), List.of(), List.of());

  public MeshConfig {
    virtualServices = List.copyOf(virtualServices);
    destinationRules = List.copyOf(destinationRules);
    serviceEntries = List.copyOf(serviceEntries);
    workloadEntries = List.copyOf(workloadEntries);
  }
}
