package dev.meshwork.controlplane.internal.ca;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/** PEM in and out, with the JDK's own crypto providers (BouncyCastle only parses and encodes). */
final class Pem {
  private Pem() {}

  /** Every certificate in a PEM file, in file order; text outside PEM blocks is ignored. */
  static List<X509Certificate> readCertificates(Path file) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (!(o instanceof X509CertificateHolder h)) {
          throw new IOException(file + ": expected only CERTIFICATE blocks, found " + o.getClass().getSimpleName());
        }
        out.add(toX509(h));
      }
    }
    if (out.isEmpty()) {
      throw new IOException(file + ": no PEM CERTIFICATE block");
    }
    return out;
  }

  /** The unencrypted private key in a PEM file (PKCS#8, or OpenSSL's EC/RSA form). */
  static PrivateKey readPrivateKey(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IOException(file + ": expected an unencrypted PEM private key, found "
          + (o == null ? "nothing" : o.getClass().getSimpleName()));
    }
  }

  /** Parses a PKCS#10 request; null when the text holds no CERTIFICATE REQUEST block. */
  static PKCS10CertificationRequest parseCsr(String pem) throws IOException {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      return p.readObject() instanceof PKCS10CertificationRequest csr ? csr : null;
    }
  }

  static X509Certificate toX509(X509CertificateHolder holder) throws IOException {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IOException("unreadable certificate: " + e.getMessage(), e);
    }
  }

  static String encode(X509Certificate cert) {
    return write(cert);
  }

  /** PKCS#8 ({@code BEGIN PRIVATE KEY}). */
  static String encode(PrivateKey key) {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject((PemObjectGenerator) new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return s.toString();
  }

  private static String write(Object o) {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return s.toString();
  }
}
