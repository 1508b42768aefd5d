package dev.meshwork.controlplane.internal.xds;

import dev.meshwork.controlplane.internal.model.Destination;
import dev.meshwork.controlplane.internal.model.DestinationRule;
import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.HttpRoute;
import dev.meshwork.controlplane.internal.model.Locality;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.model.ServiceEntry;
import dev.meshwork.controlplane.internal.model.Subset;
import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import dev.meshwork.controlplane.internal.model.VirtualService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which services, ports, clusters and endpoints exist for one (config, registry) pair. Built once
 * per translation; immutable afterwards.
 *
 * <p>A service is any host named by a VirtualService (as host or destination), a DestinationRule,
 * a ServiceEntry or a registered endpoint. Its ports are the ServiceEntry's declared ports, or
 * without a ServiceEntry {@link XdsNames#DEFAULT_SERVICE_PORT} plus the ports routes and mirrors name.
 */
final class ServiceCatalog {
  /** Stable endpoint order, so equal inputs give byte-equal resources whatever the input order. */
  static final Comparator<Endpoint> ENDPOINT_ORDER =
      Comparator.comparing((Endpoint e) -> locality(e).region())
          .thenComparing(e -> locality(e).zone())
          .thenComparing(e -> locality(e).subZone())
          .thenComparing(Endpoint::address)
          .thenComparing(e -> String.valueOf(e.origin()))
          .thenComparing(e -> new TreeMap<>(e.ports()).toString())
          .thenComparingInt(Endpoint::weight);

  /**
   * One service.
   *
   * @param ports declared ports in declaration order; the first is the default port
   * @param endpoints every endpoint of the service, in {@link #ENDPOINT_ORDER}
   * @param rule its DestinationRule, or null
   * @param virtualService its VirtualService, or null
   */
  record Service(String host, List<Integer> ports, List<Endpoint> endpoints, DestinationRule rule, VirtualService virtualService) {
    int defaultPort() {
      return ports.get(0);
    }

    /** The traffic policy of a cluster of this service: rule-level, overridden part by part by the subset's. */
    TrafficPolicy policy(String subset) {
      if (rule == null) {
        return TrafficPolicy.NONE;
      }
      TrafficPolicy base = rule.trafficPolicy() == null ? TrafficPolicy.NONE : rule.trafficPolicy();
      if (subset == null) {
        return base;
      }
      for (Subset s : rule.subsets()) {
        if (s.name().equals(subset)) {
          return base.overriddenBy(s.trafficPolicy());
        }
      }
      return base; // unknown subset: the loader rejects it; no cluster exists for it anyway
    }

    /**
     * The service port a destination reaches. An explicit port wins. Without one, Istio uses the
     * service's only port, else the port the request came in on; we additionally fall back to the
     * default port when the service does not declare that port (Istio would route to a cluster that
     * does not exist).
     */
    int portFor(Destination d, int listenerPort) {
      if (d.port() != 0) {
        return d.port();
      }
      if (ports.size() == 1) {
        return ports.get(0);
      }
      return ports.contains(listenerPort) ? listenerPort : defaultPort();
    }
  }

  /**
   * One cluster to emit.
   *
   * @param subset subset name, null for the whole service
   * @param subsetLabels labels an endpoint must carry (empty for the whole service)
   */
  record ClusterSpec(String name, Service service, int port, String subset, Map<String, String> subsetLabels, TrafficPolicy policy) {}

  private final SortedMap<String, Service> services;

  private ServiceCatalog(SortedMap<String, Service> services) {
    this.services = services;
  }

  static ServiceCatalog build(MeshConfig config, Collection<Endpoint> registryEndpoints) {
    Set<String> hosts = new LinkedHashSet<>();
    Map<String, VirtualService> vsByHost = new HashMap<>();
    Map<String, DestinationRule> drByHost = new HashMap<>();
    Map<String, Set<Integer>> portsByHost = new HashMap<>();
    Map<String, Set<Integer>> routedPorts = new HashMap<>();
    Map<String, List<Endpoint>> endpointsByHost = new HashMap<>();

    for (VirtualService vs : config.virtualServices()) {
      for (String host : vs.hosts()) {
        hosts.add(host);
        vsByHost.putIfAbsent(host, vs); // the loader allows one VirtualService per host
      }
      for (HttpRoute route : vs.http()) {
        List<Destination> targets = new ArrayList<>(route.route());
        route.mirrors().forEach(m -> targets.add(m.destination())); // mirror clusters must exist too
        for (Destination d : targets) {
          hosts.add(d.host());
          if (d.port() != 0) {
            routedPorts.computeIfAbsent(d.host(), h -> new java.util.TreeSet<>()).add(d.port());
          }
        }
      }
    }
    for (DestinationRule dr : config.destinationRules()) {
      hosts.add(dr.host());
      drByHost.putIfAbsent(dr.host(), dr);
    }
    for (ServiceEntry se : config.serviceEntries()) {
      for (String host : se.hosts()) {
        hosts.add(host);
        Set<Integer> ports = portsByHost.computeIfAbsent(host, h -> new LinkedHashSet<>());
        se.ports().forEach(p -> ports.add(p.number()));
      }
    }
    List<Endpoint> all = new ArrayList<>(StaticEndpoints.of(config));
    all.addAll(registryEndpoints);
    for (Endpoint e : all) {
      hosts.add(e.service());
      endpointsByHost.computeIfAbsent(e.service(), h -> new ArrayList<>()).add(e);
    }

    SortedMap<String, Service> services = new TreeMap<>();
    for (String host : hosts) {
      Set<Integer> declared = portsByHost.getOrDefault(host, Set.of());
      List<Integer> ports;
      if (declared.isEmpty()) {
        // No ServiceEntry: port 80, plus any port a route names (registered instances serve
        // whatever port they registered, so every service port reaches them).
        Set<Integer> p = new LinkedHashSet<>();
        p.add(XdsNames.DEFAULT_SERVICE_PORT);
        p.addAll(routedPorts.getOrDefault(host, Set.of()));
        ports = List.copyOf(p);
      } else {
        ports = List.copyOf(declared);
      }
      List<Endpoint> endpoints = new ArrayList<>(endpointsByHost.getOrDefault(host, List.of()));
      endpoints.sort(ENDPOINT_ORDER);
      services.put(host, new Service(host, ports, List.copyOf(endpoints), drByHost.get(host), vsByHost.get(host)));
    }
    return new ServiceCatalog(Collections.unmodifiableSortedMap(services));
  }

  SortedMap<String, Service> services() {
    return services;
  }

  /** The service for a host; every host the config or registry names has one. */
  Service service(String host) {
    Service s = services.get(host);
    if (s == null) {
      throw new IllegalArgumentException("unknown service: " + host);
    }
    return s;
  }

  /** One cluster per service port, plus one per DestinationRule subset per port. */
  List<ClusterSpec> clusters() {
    List<ClusterSpec> out = new ArrayList<>();
    for (Service s : services.values()) {
      for (int port : s.ports()) {
        out.add(new ClusterSpec(XdsNames.cluster(s.host(), port, null), s, port, null, Map.of(), s.policy(null)));
        if (s.rule() == null) {
          continue;
        }
        for (Subset subset : s.rule().subsets()) {
          out.add(new ClusterSpec(
              XdsNames.cluster(s.host(), port, subset.name()), s, port, subset.name(), subset.labels(), s.policy(subset.name())));
        }
      }
    }
    return out;
  }

  static Locality locality(Endpoint e) {
    return e.locality() == null ? Locality.NONE : e.locality();
  }
}
