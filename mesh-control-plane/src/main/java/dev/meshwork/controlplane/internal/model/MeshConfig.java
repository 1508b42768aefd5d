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
    List<WorkloadEntry> workloadEntries,
    List<PeerAuthentication> peerAuthentications,
    List<AuthorizationPolicy> authorizationPolicies) {
  /** Istio's root namespace: security policies there without a selector are mesh-wide. */
  public static final String ROOT_NAMESPACE = "istio-system";

  public static final MeshConfig EMPTY = new MeshConfig(List.of(), List.of(), List.of(), List.of());

  /** A configuration without security resources. */
  public MeshConfig(List<VirtualService> virtualServices, List<DestinationRule> destinationRules,
      List<ServiceEntry> serviceEntries, List<WorkloadEntry> workloadEntries) {
    this(virtualServices, destinationRules, serviceEntries, workloadEntries, List.of(), List.of());
  }

  public MeshConfig {
    virtualServices = List.copyOf(virtualServices);
    destinationRules = List.copyOf(destinationRules);
    serviceEntries = List.copyOf(serviceEntries);
    workloadEntries = List.copyOf(workloadEntries);
    peerAuthentications = List.copyOf(peerAuthentications);
    authorizationPolicies = List.copyOf(authorizationPolicies);
  }
}
