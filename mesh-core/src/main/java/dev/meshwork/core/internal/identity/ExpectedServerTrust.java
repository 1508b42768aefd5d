package dev.meshwork.core.internal.identity;

import dev.meshwork.core.identity.SpiffePeers;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A client's trust: the mesh's (its roots, one SPIFFE ID in its trust domain), then the server's
 * expected SPIFFE IDs, checked during the handshake as grpc-xds checks its SAN matchers. Client
 * checks (a server's use) are the mesh's alone. See {@link SpiffePeers#expectingServer}.
 */
public final class ExpectedServerTrust extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager mesh;
  private final Set<String> expected;

  public ExpectedServerTrust(X509ExtendedTrustManager mesh, Set<String> expected) {
    this.mesh = mesh;
    this.expected = Set.copyOf(expected);
  }

  private void checkPeer(X509Certificate[] chain) throws CertificateException {
    try {
      SpiffePeers.verifyPeer(chain, expected);
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
