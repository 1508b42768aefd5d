package dev.meshwork.core.identity;

import dev.meshwork.core.internal.identity.ExpectedServerTrust;
import dev.meshwork.core.internal.identity.SpiffeSans;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Who is on the other end of a TLS connection: the peer's SPIFFE ID for inbound authorization,
 * and expected-peer checks for outbound calls (the mesh's trust manager accepts any workload of
 * the trust domain; a client that must talk to {@code reviews} and nobody else checks with
 * {@link #verifyPeer}). Stateless and thread-safe.
 */
public final class SpiffePeers {
  private SpiffePeers() {}

  /**
   * The peer's SPIFFE ID (Istio form); empty when the peer sent no certificate or its leaf has no
   * such ID. Never throws.
   */
  public static Optional<SpiffeId> peerId(SSLSession session) {
    X509Certificate leaf = leaf(session);
    return leaf == null ? Optional.empty() : SpiffeId.fromCertificate(leaf);
  }

  /**
   * A client-side trust manager: {@code mesh} (e.g. {@link MeshIdentity#trustManager()}), then the
   * server must present one of {@code expectedSpiffeIds}, checked during the handshake, so a wrong
   * server fails the connection with an {@code SSLHandshakeException} naming the presented and the
   * expected IDs. With no expected IDs, {@code mesh} itself (any workload of the mesh). Pair it
   * with {@link MeshIdentity#sslContext(X509ExtendedTrustManager)}.
   */
  public static X509ExtendedTrustManager expectingServer(X509ExtendedTrustManager mesh, Set<String> expectedSpiffeIds) {
    Objects.requireNonNull(mesh, "mesh");
    return expectedSpiffeIds.isEmpty() ? mesh : new ExpectedServerTrust(mesh, expectedSpiffeIds);
  }

  /**
   * Checks that the session's peer presents one of the expected SPIFFE IDs.
   *
   * @return the peer's SPIFFE ID (the matching one)
   * @throws SSLPeerUnverifiedException naming the presented and the expected IDs otherwise
   * @throws IllegalArgumentException when {@code expectedSpiffeIds} is empty
   */
  public static String verifyPeer(SSLSession session, Set<String> expectedSpiffeIds)
      throws SSLPeerUnverifiedException {
    X509Certificate leaf = leaf(session);
    return verifyPeer(leaf == null ? new X509Certificate[0] : new X509Certificate[] {leaf}, expectedSpiffeIds);
  }

  /** As {@link #verifyPeer(SSLSession, Set)} for a peer chain (leaf first). */
  public static String verifyPeer(X509Certificate[] peerChain, Set<String> expectedSpiffeIds)
      throws SSLPeerUnverifiedException {
    Objects.requireNonNull(expectedSpiffeIds, "expectedSpiffeIds");
    if (expectedSpiffeIds.isEmpty()) {
      throw new IllegalArgumentException("expectedSpiffeIds: empty (expected: at least one spiffe:// ID)");
    }
    Set<String> expected = new TreeSet<>(expectedSpiffeIds);
    if (peerChain == null || peerChain.length == 0) {
      throw new SSLPeerUnverifiedException("peer presented no certificate (expected one of " + expected + ")");
    }
    List<String> presented = SpiffeSans.of(peerChain[0]);
    if (presented.size() == 1 && expected.contains(presented.get(0))) {
      return presented.get(0);
    }
    throw new SSLPeerUnverifiedException("peer presented "
        + (presented.isEmpty() ? "no SPIFFE ID (subject " + peerChain[0].getSubjectX500Principal() + ")" : presented)
        + " (expected one of " + expected + ")");
  }

  private static X509Certificate leaf(SSLSession session) {
    Objects.requireNonNull(session, "session");
    try {
      Certificate[] certs = session.getPeerCertificates();
      return certs.length > 0 && certs[0] instanceof X509Certificate x ? x : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
