package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the control plane serves at one moment: resources by type and name, with content-derived
 * versions. Versions are hashes, not counters, so a client reconnecting to a restarted control
 * plane never mistakes different content for the version it already has.
 */
public final class XdsSnapshot {
  private final Map<ResourceType, TypeState> types;

  private XdsSnapshot(Map<ResourceType, TypeState> types) {
    this.types = types;
  }

  public static XdsSnapshot of(XdsResources r) {
    Map<ResourceType, TypeState> m = new EnumMap<>(ResourceType.class);
    m.put(ResourceType.LISTENER, TypeState.of(r.listeners(), r.serverPolicies()));
    m.put(ResourceType.ROUTE, TypeState.of(r.routes(), ServerPolicies.NONE));
    m.put(ResourceType.CLUSTER, TypeState.of(r.clusters(), ServerPolicies.NONE));
    m.put(ResourceType.ENDPOINT, TypeState.of(r.endpoints(), ServerPolicies.NONE));
    m.put(ResourceType.SECRET, TypeState.of(Map.of(), ServerPolicies.NONE));
    return new XdsSnapshot(m);
  }

  public TypeState type(ResourceType t) {
    return types.get(t);
  }

  /**
   * One resource type: name to resource, name to version, and the type's version. Listeners also
   * carry the policies that server listeners (made on request) are built from; their fingerprint
   * is part of the LDS version, so a policy change is pushed to servers already subscribed.
   */
  public record TypeState(SortedMap<String, Message> resources, Map<String, String> versions, String version,
      ServerPolicies serverPolicies) {
    static TypeState of(Map<String, ? extends Message> in, ServerPolicies serverPolicies) {
      SortedMap<String, Message> res = new TreeMap<>(in);
      Map<String, String> versions = new LinkedHashMap<>();
      MessageDigest all = sha256();
      for (Map.Entry<String, Message> e : res.entrySet()) {
        byte[] bytes = e.getValue().toByteString().toByteArray();
        versions.put(e.getKey(), hash(bytes));
        all.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        all.update((byte) 0);
        all.update(bytes);
      }
      all.update(serverPolicies.fingerprint().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return new TypeState(java.util.Collections.unmodifiableSortedMap(res), Map.copyOf(versions),
          HexFormat.of().formatHex(all.digest(), 0, 8), serverPolicies);
    }
  }

  private static String hash(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes), 0, 8);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
