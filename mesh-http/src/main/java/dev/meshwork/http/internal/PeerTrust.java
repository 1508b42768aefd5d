package dev.meshwork.http.internal;

import dev.meshwork.core.engine.UpstreamTls;
import dev.meshwork.core.identity.SpiffePeers;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust of one mTLS cluster: the mesh's (its roots, one SPIFFE ID in its trust domain), then
 * the cluster's peer identities, checked during the handshake as grpc-xds checks its SAN matchers.
 * A connection that exists has passed, so requests on it are not checked again.
 */
final class PeerTrust extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager mesh;
  private final UpstreamTls tls;

  PeerTrust(X509ExtendedTrustManager mesh, UpstreamTls tls) {
    this.mesh = mesh;
    this.tls = tls;
  }

  private void checkPeer(X509Certificate[] chain) throws CertificateException {
    if (tls.peerIdentities().isEmpty()) {
      return; // any workload of the mesh, which the mesh's trust manager has checked
    }
    try {
      SpiffePeers.verifyPeer(chain, tls.peerIdentities());
    } catch (SSLPeerUnverifiedException e) {
      throw new CertificateException(e.getMessage(), e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    mesh.checkServerTrusted(chain, authType);
    checkPeer(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    mesh.checkServerTrusted(chain, authType, socket);
    checkPeer(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    mesh.checkServerTrusted(chain, authType, engine);
    checkPeer(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    mesh.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    mesh.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    mesh.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return mesh.getAcceptedIssuers();
  }
}
