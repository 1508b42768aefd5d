package dev.meshwork.benchmarks;

import dev.meshwork.core.identity.MeshIdentity;
import dev.meshwork.core.identity.SpiffeId;
import dev.meshwork.core.identity.SpiffePeers;
import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import okhttp3.OkHttpClient;

/**
 * The bare clients' mTLS, done the way a careful application without the mesh would: present the
 * workload's certificate, trust the mesh CA's roots, and accept the server only when its leaf
 * carries the expected SPIFFE ID (checked once per handshake, as grpc-xds does with the
 * UpstreamTlsContext's SAN matcher and mesh-http, whose check this is: {@link SpiffePeers#expectingServer}). Host names play no part:
 * the servers are dialled by IP.
 */
final class Tls {
  private Tls() {}

  /** OkHttp with {@code identity}'s certificate, accepting only a server presenting {@code serverId}. */
  static OkHttpClient.Builder okHttp(OkHttpClient.Builder b, MeshIdentity identity, String serverId) throws Exception {
    X509ExtendedTrustManager tm = expecting(identity.trustManager(), serverId);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(new KeyManager[] {identity.keyManager()}, new TrustManager[] {tm}, null);
    return b.sslSocketFactory(ctx.getSocketFactory(), tm).hostnameVerifier((host, session) -> true);
  }

  /** gRPC TLS credentials with {@code identity}'s certificate, accepting only a server presenting {@code serverId}. */
  static ChannelCredentials grpc(MeshIdentity identity, String serverId) {
    return TlsChannelCredentials.newBuilder().keyManager(identity.keyManager())
        .trustManager(expecting(identity.trustManager(), serverId)).build();
  }

  /** The SPIFFE ID of a peer chain's leaf, or a description of why there is none. */
  static String idOf(java.security.cert.Certificate[] chain) {
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return "no certificate";
    }
    return SpiffeId.fromCertificate(leaf).map(Object::toString).orElse("no SPIFFE ID");
  }

  /** The mesh's trust manager (chain to the mesh roots, SPIFFE ID in the trust domain), plus: the server is {@code serverId}. */
  static X509ExtendedTrustManager expecting(X509ExtendedTrustManager mesh, String serverId) {
    return SpiffePeers.expectingServer(mesh, Set.of(serverId));
  }
}
