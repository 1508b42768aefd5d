package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwork.controlplane.internal.config.ObjectReader.Item;
import dev.meshwork.controlplane.internal.config.Parsed.ServiceEntryDoc;
import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.Locality;
import dev.meshwork.controlplane.internal.model.ServiceEntry;
import dev.meshwork.controlplane.internal.model.Source;
import dev.meshwork.controlplane.internal.model.WorkloadEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ServiceEntry and WorkloadEntry specs. Proxyless clients connect to endpoint IPs themselves, so
 * only resolution STATIC (and NONE, which declares ports but no endpoints) is accepted, endpoint
 * addresses must be IP literals, and {@code addresses} (VIPs) are checked but mean nothing to a
 * client. Inline endpoints are expanded into one model {@link Endpoint} per host.
 */
final class ServiceEntryParser {
  private static final Schema SPEC = Schema.of(
          "hosts", "addresses", "ports", "location", "resolution", "endpoints", "workloadSelector", "exportTo")
      .unsupported("subjectAltNames");
  private static final Schema PORT = Schema.of("number", "name", "protocol", "targetPort");
  private static final Schema WORKLOAD = Schema.of(
      "address", "ports", "labels", "locality", "weight", "network", "serviceAccount");
  private static final Schema SELECTOR = Schema.of("labels");
  private static final List<String> PROTOCOLS = List.of(
      "HTTP", "HTTPS", "GRPC", "GRPC-Web", "HTTP2", "HTTP_PROXY", "TCP", "TLS", "UDP", "Mongo", "Redis", "MySQL");
  private static final Set<String> HTTP_OR_TLS = Set.of("HTTP", "HTTPS", "GRPC", "GRPC-Web", "HTTP2", "HTTP_PROXY", "TLS");

  private ServiceEntryParser() {}

  static ServiceEntryDoc parseServiceEntry(DocContext ctx, JsonNode specNode) {
    ObjectReader spec = ObjectReader.of(ctx, "spec", specNode, SPEC);
    Map<String, String> hostPaths = Fields.hosts(ctx, spec);
    List<String> addresses = spec.stringList("addresses");
    for (int i = 0; i < addresses.size(); i++) {
      if (!Names.isIpOrCidr(addresses.get(i))) {
        ctx.error(ObjectReader.index(spec.path("addresses"), i),
            Texts.quote(addresses.get(i)) + " is not an IP address or CIDR block");
      }
    }
    List<ServiceEntry.Port> ports = ports(spec);
    spec.oneOf("location", List.of("MESH_INTERNAL", "MESH_EXTERNAL"));
    Fields.exportTo(spec);
    String resolution = resolution(spec);
    if (spec.has("endpoints") && spec.has("workloadSelector")) {
      ctx.error(spec.path("workloadSelector"), "only one of workloadSelector or endpoints is allowed");
    }
    if ("NONE".equals(resolution) && (spec.has("endpoints") || spec.has("workloadSelector"))) {
      ctx.error(spec.path("resolution"), "resolution NONE (the default) takes no endpoints or workloadSelector; use STATIC");
    }
    if (resolution != null && !"NONE".equals(resolution) && hostPaths.size() > 1
        && ports.stream().anyMatch(p -> !HTTP_OR_TLS.contains(p.protocol()))) {
      ctx.error(spec.path("hosts"), "multiple hosts need HTTP or TLS ports (protocol unset or TCP cannot tell hosts apart)");
    }
    Set<String> portNames = new HashSet<>(); // every name written, so a bad port does not cascade
    if (spec.get("ports") != null) {
      spec.get("ports").forEach(p -> portNames.add(p.path("name").asText()));
    }
    List<Endpoint> endpoints = new ArrayList<>();
    List<Item> inline = spec.list("endpoints");
    if (!inline.isEmpty() && ports.isEmpty() && !spec.has("ports")) {
      spec.require("ports");
    }
    String origin = ctx.source().describe();
    for (Item item : inline) {
      WorkloadEntry w = workload(ObjectReader.of(ctx, item.path(), item.node(), WORKLOAD), ctx.source(), portNames);
      for (String host : hostPaths.keySet()) {
        if (w != null) {
          endpoints.add(endpoint(host, ports, w, origin));
        }
      }
    }
    Map<String, String> selector = Map.of();
    ObjectReader sel = spec.object("workloadSelector", SELECTOR);
    if (sel != null) {
      int before = ctx.errorCount();
      selector = Fields.labels(sel, "labels");
      if (sel.valid() && selector.isEmpty() && ctx.errorCount() == before) {
        ctx.error(sel.path("labels"), "must not be empty (an empty selector would select every WorkloadEntry)");
      }
    }
    ServiceEntry se = new ServiceEntry(ctx.source(), List.copyOf(hostPaths.keySet()), ports, endpoints, selector);
    return new ServiceEntryDoc(se, hostPaths);
  }

  static WorkloadEntry parseWorkloadEntry(DocContext ctx, JsonNode specNode) {
    return workload(ObjectReader.of(ctx, "spec", specNode, WORKLOAD), ctx.source(), null);
  }

  /**
   * The endpoint of a workload for one service: each service port maps to the workload's port of the
   * same name, else the service port's targetPort, else the service port number.
   */
  static Endpoint endpoint(String service, List<ServiceEntry.Port> ports, WorkloadEntry w, String origin) {
    Map<Integer, Integer> mapped = new HashMap<>();
    for (ServiceEntry.Port p : ports) {
      Integer byName = w.ports().get(p.name());
      mapped.put(p.number(), byName != null ? byName : p.targetPort() != 0 ? p.targetPort() : p.number());
    }
    int weight = w.weight() == 0 ? 1 : w.weight(); // Istio: unset weight is 1
    return new Endpoint(service, w.address(), mapped, w.labels(), w.locality(), weight, origin,
        w.source().namespace(), w.serviceAccount());
  }

  private static String resolution(ObjectReader spec) {
    String r = spec.string("resolution");
    if (r == null) {
      return spec.has("resolution") ? null : "NONE";
    }
    if (r.equals("DNS") || r.equals("DNS_ROUND_ROBIN")) {
      spec.ctx().error(spec.path("resolution"),
          "not supported by Meshwork yet: resolution " + r + " (proxyless clients need IP endpoints; use STATIC)");
      return null;
    }
    return spec.oneOf("resolution", List.of("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN"));
  }

  private static List<ServiceEntry.Port> ports(ObjectReader spec) {
    DocContext ctx = spec.ctx();
    List<ServiceEntry.Port> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<Integer> numbers = new HashSet<>();
    for (Item item : spec.list("ports")) {
      ObjectReader p = ObjectReader.of(ctx, item.path(), item.node(), PORT);
      int number = p.require("number") ? Fields.port(p, "number") : 0;
      String name = p.requiredString("name");
      if (name != null && !Names.isDnsLabel(name)) {
        ctx.error(p.path("name"), Texts.quote(name) + " is not a valid port name (expected an RFC 1123 label)");
        name = null;
      } else if (name != null && !names.add(name)) {
        ctx.error(p.path("name"), "duplicate port name " + name);
      }
      if (number != 0 && !numbers.add(number)) {
        ctx.error(p.path("number"), "duplicate port " + number);
      }
      String protocol = p.string("protocol");
      String canonical = protocol == null ? "" : canonicalProtocol(protocol);
      if (canonical == null) {
        ctx.error(p.path("protocol"), Texts.quote(protocol) + " is not a protocol (expected one of "
            + String.join(", ", PROTOCOLS) + ")");
      }
      int target = p.has("targetPort") ? Fields.port(p, "targetPort") : 0;
      if (number != 0 && name != null && canonical != null) {
        out.add(new ServiceEntry.Port(number, name, canonical, target));
      }
    }
    return out;
  }

  /** Istio parses protocols ignoring case; the canonical spelling is stored. */
  private static String canonicalProtocol(String s) {
    return PROTOCOLS.stream().filter(p -> p.equalsIgnoreCase(s)).findFirst().orElse(null);
  }

  /**
   * A WorkloadEntry-shaped object (standalone or an inline ServiceEntry endpoint).
   *
   * @param declaredPorts port names the ports map may use, null for a standalone WorkloadEntry
   */
  private static WorkloadEntry workload(ObjectReader w, Source source, Set<String> declaredPorts) {
    DocContext ctx = w.ctx();
    int before = ctx.errorCount();
    String address = w.requiredString("address");
    if (address != null && !Names.isIpLiteral(address)) {
      ctx.error(w.path("address"), Texts.quote(address)
          + " is not an IP address (proxyless clients connect to IPs; host names and unix sockets are not supported)");
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : w.map("ports").entrySet()) {
      String p = ObjectReader.child(w.path("ports"), e.getKey());
      if (!Names.isDnsLabel(e.getKey())) {
        ctx.error(p, Texts.quote(e.getKey()) + " is not a valid port name (expected an RFC 1123 label)");
      } else if (declaredPorts != null && !declaredPorts.contains(e.getKey())) {
        ctx.error(p, "port " + e.getKey() + " is not declared in spec.ports");
      }
      Long number = ObjectReader.integer(ctx, p, e.getValue(), 1, 65535);
      if (number != null) {
        ports.put(e.getKey(), number.intValue());
      }
    }
    Map<String, String> labels = Fields.labels(w, "labels");
    String locality = w.string("locality");
    Long weight = w.integer("weight", 0, Integer.MAX_VALUE);
    w.string("network"); // accepted: single-network mesh
    String serviceAccount = w.string("serviceAccount"); // the SAN clients verify (auto mTLS, ISTIO_MUTUAL)
    if (ctx.errorCount() != before) {
      return null;
    }
    return new WorkloadEntry(source, address, ports, labels, Locality.parse(locality), weight == null ? 0 : weight.intValue(),
        serviceAccount);
  }
}
