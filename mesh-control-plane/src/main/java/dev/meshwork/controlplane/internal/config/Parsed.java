package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.model.Destination;
import dev.meshwork.controlplane.internal.model.DestinationRule;
import dev.meshwork.controlplane.internal.model.ServiceEntry;
import dev.meshwork.controlplane.internal.model.VirtualService;
import dev.meshwork.controlplane.internal.model.WorkloadEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the per-document parsers hand to the {@link CrossValidator}: model objects plus the field
 * paths that cross-resource errors must name (the model itself carries no paths).
 */
final class Parsed {
  private Parsed() {}

  /** A route destination and its path, e.g. {@code spec.http[0].route[1].destination}. */
  record DestinationRef(Destination destination, String path) {}

  /** A VirtualService with the path of each host (service key to path) and destination. */
  record VirtualServiceDoc(VirtualService model, Map<String, String> hostPaths, List<DestinationRef> destinations) {}

  /** A ServiceEntry with the path of each host (service key to path). */
  record ServiceEntryDoc(ServiceEntry model, Map<String, String> hostPaths) {}

  /** Every resource parsed in one load, in file and document order. Mutable, one thread. */
  static final class Resources {
    final List<VirtualServiceDoc> virtualServices = new ArrayList<>();
    final List<DestinationRule> destinationRules = new ArrayList<>();
    final List<ServiceEntryDoc> serviceEntries = new ArrayList<>();
    final List<WorkloadEntry> workloadEntries = new ArrayList<>();
    final List<dev.meshwork.controlplane.internal.model.PeerAuthentication> peerAuthentications = new ArrayList<>();
    final List<dev.meshwork.controlplane.internal.model.AuthorizationPolicy> authorizationPolicies = new ArrayList<>();
  }
}
