package dev.meshwork.controlplane.internal.model;

import java.util.Map;

/**
 * One address serving a service, from the registry, a ServiceEntry or a WorkloadEntry.
 *
 * @param service normalised service key
 * @param address IP literal
 * @param ports service port number to endpoint port; {@link #ANY_PORT} maps every service port
 * @param origin "registry:instance-id", or the describing source of a static entry
 */
public record Endpoint(
    String service, String address, Map<Integer, Integer> ports, Map<String, String> labels, Locality locality, int weight, String origin) {
  /** Key in {@link #ports} meaning "whatever service port": registry instances listen on one port. */
  public static final int ANY_PORT = -1;

  public Endpoint {
    ports = Map.copyOf(ports);
    labels = Map.copyOf(labels);
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
