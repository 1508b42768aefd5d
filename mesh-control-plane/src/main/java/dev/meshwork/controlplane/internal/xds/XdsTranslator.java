package dev.meshwork.controlplane.internal.xds;

import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Translates a validated {@link MeshConfig} plus the live registry into Envoy xDS v3 resources
 * that gRPC's own xDS client (target {@code xds:///reviews}) and our HTTP client read unchanged.
 * Names follow DESIGN.md §3 ({@link XdsNames}); semantics follow Istio's istiod wherever gRPC can
 * express them, and the class Javadocs of the package say where it cannot.
 *
 * <p>Per service: listeners {@code <host>} (default port) and {@code <host>:<port>} (each declared
 * port), each with a route configuration of the same name; clusters
 * {@code outbound|<port>|<subset>|<host>} for the whole service and every DestinationRule subset
 * on every port; one ClusterLoadAssignment per cluster, possibly empty. gRPC server listeners
 * are made on request ({@link ServerListeners}) from the security policies kept in the result;
 * clusters get client mTLS as {@link ClusterTls} says.
 *
 * <p>A pure function: no I/O, no clock, no shared state, so it is thread-safe, and equal inputs
 * give equal outputs whatever the order of the registry collection. The config must be one the
 * loader accepted; an inconsistency the loader should have caught raises
 * {@link IllegalArgumentException} naming the resource.
 */
public final class XdsTranslator {
  private XdsTranslator() {}

  /**
   * @param registryEndpoints live registered instances; each maps {@link Endpoint#ANY_PORT} to the
   *     port it listens on, so it serves every port of its service
   */
  public static XdsResources translate(MeshConfig config, Collection<Endpoint> registryEndpoints) {
    return translate(config, registryEndpoints, ServerPolicies.DEFAULT_TRUST_DOMAIN);
  }

  /**
   * As {@link #translate(MeshConfig, Collection)} for a mesh whose SPIFFE trust domain is
   * {@code trustDomain} (client SAN checks, authorization principals).
   */
  public static XdsResources translate(MeshConfig config, Collection<Endpoint> registryEndpoints, String trustDomain) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(registryEndpoints, "registryEndpoints");
    ServiceCatalog catalog = ServiceCatalog.build(config, registryEndpoints);

    Map<String, Listener> listeners = new HashMap<>();
    Map<String, RouteConfiguration> routes = new HashMap<>();
    for (ServiceCatalog.Service service : catalog.services().values()) {
      boolean fault = RouteTranslator.usesFault(service);
      boolean rateLimit = service.virtualService() != null && service.virtualService().localRateLimit() != null;
      String name = XdsNames.listener(service.host());
      listeners.put(name, ListenerTranslator.listener(name, fault, rateLimit));
      routes.put(name, RouteTranslator.routeConfiguration(name, service, service.defaultPort(), catalog));
      for (int port : service.ports()) {
        String portName = XdsNames.listener(service.host(), port);
        listeners.put(portName, ListenerTranslator.listener(portName, fault, rateLimit));
        routes.put(portName, RouteTranslator.routeConfiguration(portName, service, port, catalog));
      }
    }

    Map<String, Cluster> clusters = new HashMap<>();
    Map<String, ClusterLoadAssignment> endpoints = new HashMap<>();
    for (ServiceCatalog.ClusterSpec spec : catalog.clusters()) {
      Cluster cluster = ClusterTranslator.cluster(spec);
      var tls = ClusterTls.socket(spec, config.peerAuthentications(), trustDomain);
      clusters.put(spec.name(), tls == null ? cluster : cluster.toBuilder().setTransportSocket(tls).build());
      endpoints.put(spec.name(), EndpointTranslator.assignment(spec));
    }
    return new XdsResources(listeners, routes, clusters, endpoints, ServerPolicies.of(config, trustDomain));
  }
}
