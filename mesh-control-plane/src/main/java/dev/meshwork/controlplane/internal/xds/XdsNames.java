package dev.meshwork.controlplane.internal.xds;

/**
 * Resource names on the wire (DESIGN.md §3). Clients and the admin API depend on these staying
 * stable, so every name the translator emits is built here and nowhere else. Stateless and
 * thread-safe.
 */
public final class XdsNames {
  /** Port of a service no ServiceEntry declares ports for (registry-only or route-only hosts). */
  public static final int DEFAULT_SERVICE_PORT = 80;

  /** HttpConnectionManager filter names; route-level fault overrides are keyed by {@link #FAULT_FILTER}. */
  public static final String FAULT_FILTER = "envoy.filters.http.fault";

  /** Route-level local rate limits are keyed by this name (Meshwork's {@code ratelimit.meshwork.dev/local}). */
  public static final String LOCAL_RATE_LIMIT_FILTER = "envoy.filters.http.local_ratelimit";

  public static final String ROUTER_FILTER = "envoy.filters.http.router";

  private XdsNames() {}

  /**
   * Istio's subset key {@code outbound|<port>|<subset>|<host>}; the subset part is empty for the
   * whole service ({@code outbound|80||reviews}). Also the EDS service name of that cluster.
   */
  public static String cluster(String host, int port, String subset) {
    return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
  }

  /** Listener (and route configuration) for the service's default port: what {@code xds:///reviews} asks for. */
  public static String listener(String host) {
    return host;
  }

  /** Listener (and route configuration) for one declared port: what {@code xds:///reviews:9080} asks for. */
  public static String listener(String host, int port) {
    return host + ":" + port;
  }
}
