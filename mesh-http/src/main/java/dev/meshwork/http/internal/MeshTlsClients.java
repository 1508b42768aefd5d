package dev.meshwork.http.internal;

import dev.meshwork.core.engine.Upstream;
import dev.meshwork.core.engine.UpstreamTls;
import dev.meshwork.core.identity.MeshIdentity;
import dev.meshwork.core.identity.SpiffePeers;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;
import okhttp3.Handshake;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * The OkHttp client an attempt is sent with: the application's own for plaintext clusters; for a
 * cluster with an UpstreamTlsContext, a derived client (same pool and dispatcher) presenting the
 * workload's mesh certificate, trusting the mesh's roots (both rotate underneath without new
 * objects), and accepting the server only when its certificate carries one of the cluster's peer
 * SPIFFE IDs. The identity check replaces the hostname check: endpoints are dialled by IP, and what
 * matters is which workload answers, not its name.
 */
final class MeshTlsClients {
  private final OkHttpClient raw;
  private final MeshIdentity identity;
  private final SSLSocketFactory sockets;
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
    this.sockets = identity == null ? null : identity.sslContext().getSocketFactory();
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
    OkHttpClient c = clients.computeIfAbsent(tls, t -> raw.newBuilder()
        .sslSocketFactory(sockets, identity.trustManager())
        .hostnameVerifier((host, session) -> true) // see class comment: the peer check below decides
        .addNetworkInterceptor(new PeerCheck(t))
        .build());
    var next = byInstance.size() >= 256 ? new java.util.IdentityHashMap<UpstreamTls, OkHttpClient>()
        : new java.util.IdentityHashMap<>(byInstance);
    next.put(tls, c);
    byInstance = next;
    return c;
  }

  /**
   * Refuses to send anything over a connection whose server is not one of the expected workloads.
   * A connection's peer cannot change, so each handshake is verified once (remembered by identity,
   * weakly: it goes with its connection), not on every request.
   */
  private static final class PeerCheck implements Interceptor {
    private final UpstreamTls tls;
    private final com.google.common.cache.Cache<Handshake, Boolean> verified =
        com.google.common.cache.CacheBuilder.newBuilder().weakKeys().build();

    PeerCheck(UpstreamTls tls) {
      this.tls = tls;
    }

    @Override
    public okhttp3.Response intercept(Chain chain) throws IOException {
      Handshake handshake = chain.connection() == null ? null : chain.connection().handshake();
      if (handshake == null) {
        throw new SSLPeerUnverifiedException("mTLS required to " + chain.request().url().host() + ", got plaintext");
      }
      if (verified.getIfPresent(handshake) == null) {
        verify(handshake, chain.request().url().host());
        verified.put(handshake, Boolean.TRUE);
      }
      return chain.proceed(chain.request());
    }

    private void verify(Handshake handshake, String host) throws SSLPeerUnverifiedException {
      List<Certificate> peer = handshake.peerCertificates();
      X509Certificate[] chainCerts = peer.toArray(new X509Certificate[0]);
      if (tls.peerIdentities().isEmpty()) {
        if (dev.meshwork.core.identity.SpiffeId.fromCertificate(chainCerts[0]).isEmpty()) {
          throw new SSLPeerUnverifiedException("server " + host + " presented no SPIFFE ID");
        }
      } else {
        SpiffePeers.verifyPeer(chainCerts, tls.peerIdentities());
      }
    }
  }
}
