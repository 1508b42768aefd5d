package dev.meshwork.controlplane.internal.model;

import java.util.List;

/** Istio DestinationRule; host is a normalised service key, trafficPolicy never null. */
public record DestinationRule(Source source, String host, TrafficPolicy trafficPolicy, List<Subset> subsets) {
  public DestinationRule {
    subsets = List.copyOf(subsets);
  }
}
