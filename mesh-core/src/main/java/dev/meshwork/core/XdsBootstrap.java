package dev.meshwork.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generates the xDS bootstrap (gRPC's JSON bootstrap format, as a map) from {@link MeshSettings},
 * so an application never writes a bootstrap file or sets {@code GRPC_XDS_BOOTSTRAP}. Stateless.
 */
public final class XdsBootstrap {
  /** gRPC xDS servers ask for this listener name (DESIGN: names on the wire). */
  public static final String SERVER_LISTENER_TEMPLATE = "grpc/server?xds.resource.listening_address=%s";
  /**
   * The certificate provider instance the control plane's TLS contexts name, as istiod names it,
   * so the same bootstrap works against either.
   */
  public static final String CERTIFICATE_PROVIDER = "default";
  /** How often grpc-xds's file watcher re-reads the certificate files (whole seconds, at least 1). */
  static final String CERTIFICATE_REFRESH = "1s";

  private XdsBootstrap() {}

  /** The bootstrap map gRPC's {@code GrpcBootstrapperImpl} accepts, without certificates. */
  public static Map<String, Object> of(MeshSettings s) {
    return of(s, null, Map.of());
  }

  /**
   * The bootstrap with, when {@code certificateDirectory} is not null, a {@code file_watcher}
   * certificate provider {@value #CERTIFICATE_PROVIDER} reading {@code cert-chain.pem},
   * {@code key.pem} and {@code root-cert.pem} there; and a server listener template carrying the
   * workload's namespace, service account and {@code labels} (see {@link #serverListenerTemplate}).
   */
  public static Map<String, Object> of(MeshSettings s, Path certificateDirectory, Map<String, String> labels) {
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
    bootstrap.put("server_listener_resource_name_template", serverListenerTemplate(s, labels));
    if (certificateDirectory != null) {
      Map<String, Object> files = new LinkedHashMap<>();
      files.put("certificate_file", certificateDirectory.resolve("cert-chain.pem").toString());
      files.put("private_key_file", certificateDirectory.resolve("key.pem").toString());
      files.put("ca_certificate_file", certificateDirectory.resolve("root-cert.pem").toString());
      files.put("refresh_interval", CERTIFICATE_REFRESH);
      bootstrap.put("certificate_providers",
          Map.of(CERTIFICATE_PROVIDER, Map.of("plugin_name", "file_watcher", "config", files)));
    }
    return bootstrap;
  }

  /**
   * The server listener name template: {@value #SERVER_LISTENER_TEMPLATE} followed by
   * {@code &ns=<namespace>&sa=<service account>} and, when there are labels,
   * {@code &labels=<k=v,k=v sorted by key>}, each value URL-encoded. The control plane selects
   * PeerAuthentication and AuthorizationPolicy for the server by these (gRPC replaces {@code %s}
   * with the listening address; encoded values never contain it).
   */
  public static String serverListenerTemplate(MeshSettings s, Map<String, String> labels) {
    StringBuilder name = new StringBuilder(SERVER_LISTENER_TEMPLATE)
        .append("&ns=").append(encode(s.namespace()))
        .append("&sa=").append(encode(s.serviceAccount()));
    if (!labels.isEmpty()) {
      StringBuilder l = new StringBuilder();
      new TreeMap<>(labels).forEach((k, v) -> l.append(l.length() == 0 ? "" : ",").append(k).append('=').append(v));
      name.append("&labels=").append(encode(l.toString()));
    }
    return name.toString();
  }

  private static String encode(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }
}
