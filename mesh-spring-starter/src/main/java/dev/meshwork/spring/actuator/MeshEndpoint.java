package dev.meshwork.spring.actuator;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshSnapshot;
import dev.meshwork.spring.inbound.InboundPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * Actuator endpoint {@code mesh} ({@code /actuator/mesh} once exposed): the config this instance
 * currently enforces, from {@link Mesh#describe()}: control-plane connection and staleness,
 * services in use with their routes, clusters with endpoints, unresolved NACKs, and the inbound
 * listener with its TLS mode and RBAC policies when the servlet inbound side is active. Read-only; thread-safe.
 */
@Endpoint(id = "mesh")
public class MeshEndpoint {
  private final Mesh mesh;
  private final InboundPolicy inbound;

  /**
   * @param inbound the servlet inbound policy, or null when there is none
   */
  public MeshEndpoint(Mesh mesh, InboundPolicy inbound) {
    this.mesh = mesh;
    this.inbound = inbound;
  }

  /** The current config as a JSON-friendly map. */
  @ReadOperation
  public Map<String, Object> mesh() {
    MeshSnapshot s = mesh.describe();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("service", mesh.settings().service());
    out.put("namespace", mesh.settings().namespace());
    out.put("controlPlane", s.controlPlane());
    out.put("connected", s.connected());
    out.put("staleSince", s.staleSince().map(Object::toString).orElse(null));
    mesh.identity().ifPresent(id -> out.put("certificate", Map.of(
        "spiffeId", mesh.settings().spiffeId().toString(),
        "serial", id.currentCertificate().getSerialNumber().toString(16),
        "notAfter", id.currentCertificate().getNotAfter().toInstant().toString())));
    List<Map<String, Object>> services = new ArrayList<>();
    for (MeshSnapshot.Service svc : s.services()) {
      List<Map<String, Object>> routes = new ArrayList<>();
      for (MeshSnapshot.Route r : svc.routes()) {
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("name", r.name());
        route.put("match", r.match());
        route.put("clusters", r.clusters());
        route.put("timeout", r.timeout());
        route.put("retries", r.retries());
        route.put("fault", r.fault());
        routes.add(route);
      }
      services.add(Map.of("name", svc.name(), "known", svc.known(), "routes", routes));
    }
    out.put("services", services);
    List<Map<String, Object>> clusters = new ArrayList<>();
    for (MeshSnapshot.Cluster c : s.clusters()) {
      clusters.add(Map.of("name", c.name(), "lbPolicy", c.lbPolicy(), "mtls", c.mtls(), "endpoints", c.endpoints()));
    }
    out.put("clusters", clusters);
    List<Map<String, Object>> nacks = new ArrayList<>();
    for (MeshSnapshot.Nack n : s.nacks()) {
      nacks.add(Map.of("typeUrl", n.typeUrl(), "version", n.version(), "detail", n.detail(), "at", n.at().toString()));
    }
    out.put("nacks", nacks);
    if (inbound != null) {
      Map<String, Object> in = new LinkedHashMap<>();
      in.put("listener", inbound.listenerName().orElse(null));
      in.put("tls", inbound.listenerName().isPresent() ? inbound.tlsMode().name() : null);
      in.put("policies", inbound.policies());
      out.put("inbound", in);
    }
    return out;
  }
}
