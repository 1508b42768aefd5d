package dev.meshwork.core.internal.xds;

/** Type URLs of the Envoy v3 resources Meshwork uses over ADS. */
public final class TypeUrls {
  public static final String LISTENER = "type.googleapis.com/envoy.config.listener.v3.Listener";
  public static final String ROUTE_CONFIGURATION = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  public static final String CLUSTER = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  public static final String CLUSTER_LOAD_ASSIGNMENT =
      "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

  private TypeUrls() {}

  /**
   * Whether every response of this type carries all subscribed resources (LDS and CDS, per the xDS
   * protocol), so a subscribed resource missing from a response has been deleted. For RDS and EDS
   * a response only carries what changed, and absence means nothing.
   */
  public static boolean isFullState(String typeUrl) {
    return LISTENER.equals(typeUrl) || CLUSTER.equals(typeUrl);
  }
}
