package dev.meshwork.controlplane.internal.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificate helpers shared by the root store, the operator-provided CA and the issuer. */
final class CaCertificates {
  static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
  /** Back-dating of notBefore, for verifiers whose clock is a little behind ours. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  private CaCertificates() {}

  /** A random positive serial of 128 bits (RFC 5280 allows up to 20 octets). */
  static BigInteger randomSerial() {
    byte[] bytes = new byte[16];
    BigInteger serial;
    do {
      RANDOM.nextBytes(bytes);
      serial = new BigInteger(1, bytes);
    } while (serial.signum() == 0);
    return serial;
  }

  /** A new EC P-256 key pair. */
  static KeyPair newEcKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate EC P-256 keys", e);
    }
  }

  /** A self-signed root for the trust domain, valid ten years. */
  static X509Certificate selfSignedRoot(KeyPair keys, String trustDomain, Instant now) throws IOException {
    X500Name name = new X500Name("O=" + trustDomain + ",CN=Meshwork root CA");
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, randomSerial(),
        Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(ROOT_VALIDITY)), name, keys.getPublic());
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return Pem.toX509(b.build(signer(keys.getPrivate())));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the root certificate", e);
    }
  }

  static ContentSigner signer(PrivateKey key) {
    String alg = switch (key.getAlgorithm()) {
      case "EC" -> ((ECKey) key).getParams().getCurve().getField().getFieldSize() > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> throw new IllegalArgumentException("unsupported CA key algorithm " + key.getAlgorithm() + " (expected: EC or RSA)");
    };
    try {
      return new JcaContentSignerBuilder(alg).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign with " + alg, e);
    }
  }

  /** The key identifier a certificate issued by {@code issuer} should carry as its AKI. */
  static AuthorityKeyIdentifier authorityKeyId(X509Certificate issuer) throws GeneralSecurityException {
    byte[] ski = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    if (ski != null) {
      try {
        byte[] id = SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ski)).getKeyIdentifier();
        return new AuthorityKeyIdentifier(id);
      } catch (IOException e) {
        throw new GeneralSecurityException("unreadable subjectKeyIdentifier in " + issuer.getSubjectX500Principal(), e);
      }
    }
    return ext.createAuthorityKeyIdentifier(issuer.getPublicKey());
  }

  /** Whether this certificate may sign others: CA:true and, if it has a key usage, keyCertSign. */
  static boolean isCa(X509Certificate cert) {
    boolean[] usage = cert.getKeyUsage();
    return cert.getBasicConstraints() >= 0 && (usage == null || (usage.length > 5 && usage[5]));
  }

  static boolean isSelfSigned(X509Certificate cert) {
    return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal()) && signedBy(cert, cert.getPublicKey());
  }

  static boolean signedBy(X509Certificate cert, PublicKey key) {
    try {
      cert.verify(key);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Whether {@code key} is the private half of the certificate's public key. */
  static boolean keyMatches(X509Certificate cert, PrivateKey key) {
    String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      byte[] probe = new byte[32];
      RANDOM.nextBytes(probe);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static String describe(X509Certificate cert) {
    return cert.getSubjectX500Principal().getName() + " (serial " + cert.getSerialNumber().toString(16) + ", expires "
        + cert.getNotAfter().toInstant() + ")";
  }
}
