package dev.meshwork.core.engine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Mesh} currently enforces, for monitoring (Actuator's {@code mesh} endpoint, admin
 * pages): the services in use with their routes, the clusters those routes name with their
 * endpoints, and the last rejected (NACKed) response per xDS type. Immutable; a point-in-time copy
 * of the config the call path reads, taken by {@link Mesh#describe()} without blocking calls.
 *
 * @param controlPlane the control plane address
 * @param connected whether the ADS stream to the control plane is open
 * @param staleSince set while running on persisted config no control plane has confirmed
 * @param services services asked for so far, by the name callers used, sorted
 * @param clusters clusters those services route to, sorted by name
 * @param nacks the last NACK per xDS type URL not superseded by an accepted response
 */
public record MeshSnapshot(String controlPlane, boolean connected, Optional<Instant> staleSince,
    List<Service> services, List<Cluster> clusters, List<Nack> nacks) {
  public MeshSnapshot {
    Objects.requireNonNull(controlPlane, "controlPlane");
    Objects.requireNonNull(staleSince, "staleSince");
    services = List.copyOf(services);
    clusters = List.copyOf(clusters);
    nacks = List.copyOf(nacks);
  }

  /**
   * A service in use.
   *
   * @param name as callers named it ({@code reviews} or {@code reviews:9080})
   * @param known false while its routes are unknown or when the control plane has none
   * @param routes in match order (virtual hosts flattened), empty when not known
   */
  public record Service(String name, boolean known, List<Route> routes) {
    public Service {
      routes = List.copyOf(routes);
    }
  }

  /**
   * One route.
   *
   * @param name the route's name (may be empty)
   * @param match a readable form of its match (path, headers, query parameters)
   * @param clusters weighted destinations as {@code cluster=weight}
   * @param timeout e.g. {@code PT5S}; {@code PT0S} for none
   * @param retries number of retries, 0 without a retry policy
   * @param fault whether a fault (delay or abort) is configured on the route
   */
  public record Route(String name, String match, List<String> clusters, String timeout, int retries, boolean fault) {
    public Route {
      clusters = List.copyOf(clusters);
    }
  }

  /**
   * A cluster in use.
   *
   * @param name the CDS name ({@code outbound|9080|v1|reviews.default.svc.cluster.local})
   * @param lbPolicy e.g. {@code ROUND_ROBIN}
   * @param mtls whether calls to it use mutual TLS
   * @param endpoints {@code ip:port} of each endpoint, with {@code (unhealthy)} when so marked
   */
  public record Cluster(String name, String lbPolicy, boolean mtls, List<String> endpoints) {
    public Cluster {
      endpoints = List.copyOf(endpoints);
    }
  }

  /**
   * A rejected xDS response.
   *
   * @param typeUrl the resource type
   * @param version the version that was rejected
   * @param detail why
   * @param at when
   */
  public record Nack(String typeUrl, String version, String detail, Instant at) {}
}
