package dev.meshwork.core.internal.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.meshwork.core.MeshSettings;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;

/** The xDS {@link Node} for this process: the same identity {@code XdsBootstrap} gives gRPC. */
final class XdsNode {
  static final String USER_AGENT = "meshwork";

  private XdsNode() {}

  static Node of(MeshSettings s) {
    Struct metadata = Struct.newBuilder()
        .putFields("NAMESPACE", string(s.namespace()))
        .putFields("SERVICE", string(s.service()))
        .putFields("GENERATOR", string("meshwork"))
        .build();
    String version = XdsNode.class.getPackage().getImplementationVersion();
    return Node.newBuilder()
        .setId(s.instanceId())
        .setCluster(s.service())
        .setLocality(Locality.newBuilder().setRegion(s.region()).setZone(s.zone()).setSubZone(s.subZone()))
        .setMetadata(metadata)
        .setUserAgentName(USER_AGENT)
        .setUserAgentVersion(version == null ? "dev" : version)
        .build();
  }

  private static Value string(String v) {
    return Value.newBuilder().setStringValue(v).build();
  }
}
