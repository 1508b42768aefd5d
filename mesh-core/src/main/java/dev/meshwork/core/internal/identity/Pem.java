package dev.meshwork.core.internal.identity;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM (RFC 7468) encoding and certificate parsing. Stateless, thread-safe. */
public final class Pem {
  private Pem() {}

  /** {@code -----BEGIN type-----}, base64 in 64-column lines, {@code -----END type-----}. */
  public static String encode(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** PEM of each certificate, concatenated. */
  public static String encode(List<X509Certificate> certs) {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : certs) {
      try {
        sb.append(encode("CERTIFICATE", c.getEncoded()));
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException("cannot encode certificate " + c.getSubjectX500Principal(), e);
      }
    }
    return sb.toString();
  }

  /**
   * Every certificate in the given PEM strings, in order (one string may hold several).
   *
   * @throws CertificateException when a string holds no certificate or a malformed one
   */
  public static List<X509Certificate> certificates(List<String> pems) throws CertificateException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (String pem : pems) {
      int before = out.size();
      for (var c : cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      if (out.size() == before) {
        throw new CertificateException("no certificate in PEM entry " + (before + 1));
      }
    }
    return out;
  }
}
