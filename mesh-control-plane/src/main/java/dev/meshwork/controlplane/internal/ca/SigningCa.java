package dev.meshwork.controlplane.internal.ca;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * What the CA signs with: a CA certificate, its private key, and the chain from that certificate
 * up to and including its root ({@code chain.get(0)} is the signing certificate). Immutable.
 */
record SigningCa(PrivateKey key, List<X509Certificate> chain) {
  SigningCa {
    chain = List.copyOf(chain);
  }

  X509Certificate certificate() {
    return chain.get(0);
  }

  X509Certificate root() {
    return chain.get(chain.size() - 1);
  }

  /**
   * An operator-provided CA: {@code certFile} holds the signing certificate (optionally followed
   * by its chain), {@code chainFile} (optional) the rest of the chain up to the root. Checked: the
   * key matches, every certificate is a currently valid CA signed by the next, the last is a root.
   */
  static SigningCa fromFiles(Path certFile, Path keyFile, Path chainFile) throws IOException {
    List<X509Certificate> chain = new ArrayList<>(Pem.readCertificates(certFile));
    if (chainFile != null) {
      chain.addAll(Pem.readCertificates(chainFile));
    }
    PrivateKey key = Pem.readPrivateKey(keyFile);
    X509Certificate signing = chain.get(0);
    if (!CaCertificates.keyMatches(signing, key)) {
      throw new IOException("CA key " + keyFile + " does not match certificate " + certFile + ": "
          + CaCertificates.describe(signing));
    }
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      String where = i == 0 ? certFile.toString() : "chain certificate " + i;
      if (!CaCertificates.isCa(c)) {
        throw new IOException(where + " is not a CA certificate (needs basicConstraints CA:true and keyCertSign): "
            + CaCertificates.describe(c));
      }
      checkValid(where, c);
      if (i + 1 < chain.size() && !CaCertificates.signedBy(c, chain.get(i + 1).getPublicKey())) {
        throw new IOException(where + " is not signed by the next certificate of the chain, "
            + CaCertificates.describe(chain.get(i + 1)));
      }
    }
    X509Certificate last = chain.get(chain.size() - 1);
    if (!CaCertificates.isSelfSigned(last)) {
      throw new IOException("the CA chain does not end with a self-signed root: " + CaCertificates.describe(last)
          + (chainFile == null ? "; give the chain up to the root" : ""));
    }
    return new SigningCa(key, chain);
  }

  static void checkValid(String where, X509Certificate c) throws IOException {
    try {
      c.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new IOException(where + " is not valid now: " + CaCertificates.describe(c) + ", valid from "
          + c.getNotBefore().toInstant(), e);
    }
  }
}
