package dev.meshwork.controlplane.internal.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Field rules shared by several Istio kinds. Stateless. */
final class Fields {
  private Fields() {}

  /** {@code exportTo}: absent or {@code ["*"]}; namespace-scoped visibility is not applied yet. */
  static void exportTo(ObjectReader spec) {
    if (!spec.has("exportTo")) {
      return;
    }
    List<String> to = spec.stringList("exportTo");
    if (!to.equals(List.of("*"))) {
      spec.ctx().error(spec.path("exportTo"),
          "not supported by Meshwork yet: exportTo " + to + " (only [\"*\"]: every resource is visible mesh-wide)");
    }
  }

  /** A Kubernetes label map (also used for selectors), validated, in YAML order. */
  static Map<String, String> labels(ObjectReader r, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : r.stringMap(key).entrySet()) {
      String problem = Names.labelProblem(e.getKey(), e.getValue());
      if (problem != null) {
        r.ctx().error(ObjectReader.child(r.path(key), e.getKey()), problem);
      } else {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /** The service key of a host, or null when the host is reported as invalid. */
  static String host(DocContext ctx, String path, String host) {
    if (host == null) {
      return null;
    }
    String problem = Hosts.problem(host);
    if (problem != null) {
      ctx.error(path, problem);
      return null;
    }
    return Hosts.serviceKey(host);
  }

  /** The required {@code hosts} list: service key to its field path, duplicates reported. */
  static java.util.Map<String, String> hosts(DocContext ctx, ObjectReader spec) {
    java.util.Map<String, String> hostPaths = new java.util.LinkedHashMap<>();
    for (ObjectReader.Item item : spec.requiredList("hosts")) {
      String key = host(ctx, item.path(), ObjectReader.string(ctx, item.path(), item.node()));
      if (key != null && hostPaths.putIfAbsent(key, item.path()) != null) {
        ctx.error(item.path(), "duplicate host " + key + " (also " + hostPaths.get(key) + ")");
      }
    }
    return hostPaths;
  }

  /** A port number 1..65535, 0 when absent or invalid. */
  static int port(ObjectReader r, String key) {
    Long p = r.integer(key, 1, 65535);
    return p == null ? 0 : p.intValue();
  }
}
