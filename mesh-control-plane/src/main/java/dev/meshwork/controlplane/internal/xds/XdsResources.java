package dev.meshwork.controlplane.internal.xds;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One complete, consistent set of xDS v3 resources, each map keyed by resource name. Every route
 * configuration a listener names, every cluster a route names (for hosts the config knows) and
 * one ClusterLoadAssignment per cluster are present. Server listeners are not listed: they are
 * made on request from {@link #serverPolicies}.
 *
 * <p>Immutable and safe to share between threads: the maps are unmodifiable copies sorted by name
 * (so iteration, hashing and snapshot versions are deterministic), and protobuf messages are
 * immutable.
 */
public record XdsResources(
    Map<String, Listener> listeners,
    Map<String, RouteConfiguration> routes,
    Map<String, Cluster> clusters,
    Map<String, ClusterLoadAssignment> endpoints,
    ServerPolicies serverPolicies) {
  public static final XdsResources EMPTY = new XdsResources(Map.of(), Map.of(), Map.of(), Map.of());

  /** Resources whose gRPC server listeners have no policies. */
  public XdsResources(Map<String, Listener> listeners, Map<String, RouteConfiguration> routes,
      Map<String, Cluster> clusters, Map<String, ClusterLoadAssignment> endpoints) {
    this(listeners, routes, clusters, endpoints, ServerPolicies.NONE);
  }

  public XdsResources {
    listeners = sorted(listeners);
    routes = sorted(routes);
    clusters = sorted(clusters);
    endpoints = sorted(endpoints);
  }

  private static <V> Map<String, V> sorted(Map<String, V> m) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(m));
  }
}
