package dev.meshwork.controlplane.internal.xds;

import dev.meshwork.controlplane.internal.model.AuthorizationPolicy;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.model.PeerAuthentication;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What gRPC server listeners are made from (they are made on request, per requested name): the
 * security policies and the trust domain. Its {@link #fingerprint()} goes into the LDS type
 * version, so a policy change reaches servers that already hold their listener. Immutable.
 */
public record ServerPolicies(List<PeerAuthentication> peerAuthentications, List<AuthorizationPolicy> authorizationPolicies,
    String trustDomain) {
  /** Istio's default SPIFFE trust domain. */
  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";
  /** No policies: plaintext, allow-all listeners. */
  public static final ServerPolicies NONE = new ServerPolicies(List.of(), List.of(), DEFAULT_TRUST_DOMAIN);

  public ServerPolicies {
    peerAuthentications = List.copyOf(peerAuthentications);
    authorizationPolicies = List.copyOf(authorizationPolicies);
  }

  static ServerPolicies of(MeshConfig config, String trustDomain) {
    return new ServerPolicies(config.peerAuthentications(), config.authorizationPolicies(), trustDomain);
  }

  /** A content hash, empty for {@link #NONE}-equivalent content (so versions without policies stay as they were). */
  String fingerprint() {
    if (peerAuthentications.isEmpty() && authorizationPolicies.isEmpty() && trustDomain.equals(DEFAULT_TRUST_DOMAIN)) {
      return "";
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
