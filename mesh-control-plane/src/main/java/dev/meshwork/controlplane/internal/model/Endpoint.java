package dev.meshwork.controlplane.internal.model;

import java.util.Map;

/**
 * One address serving a service, from the registry, a ServiceEntry or a WorkloadEntry.
 *
 * @param service normalised service key
 * @param address IP literal
 * @param ports service port number to endpoint port; {@link #ANY_PORT} maps every service port
 * @param origin "registry:instance-id", or the describing source of a static entry
 * @param namespace the workload's namespace; empty when unknown (means {@code default})
 * @param serviceAccount the workload's service account; empty when unknown (means the service name)
 */
public record Endpoint(
    String service, String address, Map<Integer, Integer> ports, Map<String, String> labels, Locality locality, int weight, String origin,
    String namespace, String serviceAccount) {
  /** Key in {@link #ports} meaning "whatever service port": registry instances listen on one port. */
  public static final int ANY_PORT = -1;

  public Endpoint {
    ports = Map.copyOf(ports);
    labels = Map.copyOf(labels);
    namespace = namespace == null ? "" : namespace;
    serviceAccount = serviceAccount == null ? "" : serviceAccount;
  }

  /** An endpoint without identity information (namespace default, service account = service). */
  public Endpoint(
      String service, String address, Map<Integer, Integer> ports, Map<String, String> labels, Locality locality, int weight, String origin) {
    this(service, address, ports, labels, locality, weight, origin, "", "");
  }

  /** The workload's namespace, {@code default} when unknown. */
  public String effectiveNamespace() {
    return namespace.isEmpty() ? "default" : namespace;
  }

  /** The workload's service account, the service name when unknown (Istio's convention). */
  public String effectiveServiceAccount() {
    return serviceAccount.isEmpty() ? service : serviceAccount;
  }

  /** Endpoint port for a service port, or -1 when this endpoint does not serve it. */
  public int portFor(int servicePort) {
    Integer p = ports.get(servicePort);
    if (p == null) {
      p = ports.get(ANY_PORT);
    }
    return p == null ? -1 : p;
  }
}
