package dev.meshwork.controlplane.internal.model;

import java.util.Map;

/** DestinationRule subset; trafficPolicy null when not set. */
public record Subset(String name, Map<String, String> labels, TrafficPolicy trafficPolicy) {
  public Subset {
    labels = Map.copyOf(labels);
  }
}
