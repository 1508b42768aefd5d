package dev.meshwork.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the xDS bootstrap (gRPC's JSON bootstrap format, as a map) from {@link MeshSettings},
 * so an application never writes a bootstrap file or sets {@code GRPC_XDS_BOOTSTRAP}. Stateless.
 */
public final class XdsBootstrap {
  /** gRPC xDS servers ask for this listener name (DESIGN: names on the wire). */
  public static final String SERVER_LISTENER_TEMPLATE = "grpc/server?xds.resource.listening_address=%s";

  private XdsBootstrap() {}

  /** The bootstrap map gRPC's {@code GrpcBootstrapperImpl} accepts. */
  public static Map<String, Object> of(MeshSettings s) {
    Map<String, Object> locality = new LinkedHashMap<>();
    locality.put("region", s.region());
    locality.put("zone", s.zone());
    locality.put("sub_zone", s.subZone());

    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("NAMESPACE", s.namespace());
    metadata.put("SERVICE", s.service());
    metadata.put("GENERATOR", "meshwork");

    Map<String, Object> node = new LinkedHashMap<>();
    node.put("id", s.instanceId());
    node.put("cluster", s.service());
    node.put("locality", locality);
    node.put("metadata", metadata);

    Map<String, Object> server = new LinkedHashMap<>();
    server.put("server_uri", s.controlPlane());
    server.put("channel_creds", List.of(Map.of("type", "insecure")));
    server.put("server_features", List.of("xds_v3"));

    Map<String, Object> bootstrap = new LinkedHashMap<>();
    bootstrap.put("xds_servers", List.of(server));
    bootstrap.put("node", node);
    bootstrap.put("server_listener_resource_name_template", SERVER_LISTENER_TEMPLATE);
    return bootstrap;
  }
}
