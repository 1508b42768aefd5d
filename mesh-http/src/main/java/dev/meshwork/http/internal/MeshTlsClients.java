package dev.meshwork.http.internal;

import dev.meshwork.core.engine.Upstream;
import dev.meshwork.core.engine.UpstreamTls;
import dev.meshwork.core.identity.MeshIdentity;
import dev.meshwork.core.identity.SpiffePeers;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509ExtendedTrustManager;
import okhttp3.OkHttpClient;

/**
 * The OkHttp client an attempt is sent with: the application's own for plaintext clusters; for a
 * cluster with an UpstreamTlsContext, a derived client (same pool and dispatcher) presenting the
 * workload's mesh certificate, trusting the mesh's roots (both rotate underneath without new
 * objects), and accepting the server only when its certificate carries one of the cluster's peer
 * SPIFFE IDs. The identity check replaces the hostname check: endpoints are dialled by IP, and what
 * matters is which workload answers, not its name. It runs in the handshake ({@link SpiffePeers#expectingServer}), so
 * a refused server fails the connection with an {@code SSLHandshakeException} naming the IDs, and
 * requests on an established connection pass no check of their own. Each distinct TLS setting has
 * its own socket factory, which OkHttp's pool keys connections by: a connection verified for one
 * cluster's identities is never reused for a cluster that expects others.
 */
final class MeshTlsClients {
  private final OkHttpClient raw;
  private final MeshIdentity identity;
  // One client per distinct TLS setting (records compare by value, hashing their identity set).
  private final Map<UpstreamTls, OkHttpClient> clients = new ConcurrentHashMap<>();
  // The per-request lookup, by reference: each cluster version holds one UpstreamTls instance, so
  // this avoids hashing its identity set on every call. Copy-on-write, rebuilt on a miss, cleared
  // when config churn has filled it.
  private volatile java.util.IdentityHashMap<UpstreamTls, OkHttpClient> byInstance = new java.util.IdentityHashMap<>();

  /** @param identity null when the workload has no mesh identity */
  MeshTlsClients(OkHttpClient raw, MeshIdentity identity) {
    this.raw = raw;
    this.identity = identity;
  }

  OkHttpClient forUpstream(Upstream upstream) throws IOException {
    UpstreamTls tls = upstream.tls();
    if (tls == null) {
      return raw;
    }
    if (identity == null) {
      throw new SSLPeerUnverifiedException("cluster " + upstream.cluster() + " requires mTLS (its UpstreamTlsContext), "
          + "but this workload has no mesh identity: set MeshSettings.identityToken");
    }
    OkHttpClient c = byInstance.get(tls);
    return c != null ? c : remember(tls);
  }

  private synchronized OkHttpClient remember(UpstreamTls tls) {
    OkHttpClient c = clients.get(tls);
    if (c == null) {
      X509ExtendedTrustManager trust = SpiffePeers.expectingServer(identity.trustManager(), tls.peerIdentities());
      c = raw.newBuilder()
          .sslSocketFactory(identity.sslContext(trust).getSocketFactory(), trust)
          .hostnameVerifier((host, session) -> true) // see class comment: the trust manager decides
          .build();
      clients.put(tls, c);
    }
    var next = byInstance.size() >= 256 ? new java.util.IdentityHashMap<UpstreamTls, OkHttpClient>()
        : new java.util.IdentityHashMap<>(byInstance);
    next.put(tls, c);
    byInstance = next;
    return c;
  }
}
