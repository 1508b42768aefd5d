package dev.meshwork.core.internal.identity;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts a peer (client or server alike) whose chain PKIX-validates against the current trust
 * bundle and whose leaf carries exactly one SPIFFE URI SAN in the mesh's trust domain. Host names
 * play no part: mesh peers are named by SPIFFE ID. Thread-safe; refusals are
 * {@link CertificateException}s that say why.
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {
  private final SnapshotHolder holder;
  private final String trustDomain;
  private final Clock clock;

  public SpiffeTrustManager(SnapshotHolder holder, String trustDomain, Clock clock) {
    this.holder = holder;
    this.trustDomain = trustDomain;
    this.clock = clock;
  }

  /** The checks, for peers of either side. */
  public void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("peer presented no certificate");
    }
    List<String> ids = SpiffeSans.of(chain[0]);
    if (ids.size() != 1) {
      throw new CertificateException("peer certificate " + chain[0].getSubjectX500Principal() + " has "
          + (ids.isEmpty() ? "no SPIFFE ID (URI SAN spiffe://...)" : "several SPIFFE IDs " + ids)
          + " (expected: one in trust domain " + trustDomain + ")");
    }
    String td = SpiffeSans.trustDomain(ids.get(0));
    if (!td.equals(trustDomain)) {
      throw new CertificateException("peer " + ids.get(0) + " is in trust domain " + td + " (expected: " + trustDomain
          + ")");
    }
    CertSnapshot s = holder.current();
    List<X509Certificate> path = new ArrayList<>(List.of(chain));
    while (path.size() > 1 && s.roots().contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1); // the anchor itself is not part of the path PKIX validates
    }
    try {
      CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters params = new PKIXParameters(s.anchors());
      params.setRevocationEnabled(false);
      params.setDate(Date.from(clock.instant()));
      CertPathValidator.getInstance("PKIX").validate(cp, params);
    } catch (GeneralSecurityException e) {
      throw new CertificateException("peer " + ids.get(0) + " is not trusted by the mesh trust bundle: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return holder.current().roots().toArray(new X509Certificate[0]);
  }
}
