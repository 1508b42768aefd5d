package dev.meshwork.core.internal.identity;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * Key generation and PKCS#10 certification requests (RFC 2986) with the JDK alone: an EC P-256
 * key, an empty subject and one critical subjectAltName URI (the SPIFFE ID, RFC 5280 §4.2.1.6
 * wants SAN critical when the subject is empty), signed SHA256withECDSA. Stateless, thread-safe.
 */
public final class Csr {
  private static final String EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

  private Csr() {}

  /** A fresh EC P-256 key pair; the private key never leaves this JVM. */
  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate EC P-256 keys", e);
    }
  }

  /** DER of a CertificationRequest for {@code keys} asking for one URI SAN. */
  public static byte[] der(KeyPair keys, String uriSan) {
    byte[] san = Der.sequence(Der.ia5(Der.CONTEXT_6_PRIMITIVE, uriSan));
    byte[] extensions = Der.sequence(Der.sequence(Der.oid(SUBJECT_ALT_NAME), Der.bool(true), Der.octetString(san)));
    byte[] attribute = Der.sequence(Der.oid(EXTENSION_REQUEST), Der.set(extensions));
    byte[] info = Der.sequence(
        Der.integer(0),
        Der.sequence(), // empty subject Name
        keys.getPublic().getEncoded(), // SubjectPublicKeyInfo as the JDK encodes it (X.509)
        Der.tlv(Der.CONTEXT_0_CONSTRUCTED, attribute));
    byte[] signature;
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(keys.getPrivate());
      s.update(info);
      signature = s.sign(); // DER Ecdsa-Sig-Value, as PKCS#10 wants it
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the certificate request", e);
    }
    return Der.sequence(info, Der.sequence(Der.oid(ECDSA_WITH_SHA256)), Der.bitString(signature));
  }

  /** PEM ({@code CERTIFICATE REQUEST}) of {@link #der}. */
  public static String pem(KeyPair keys, String uriSan) {
    return Pem.encode("CERTIFICATE REQUEST", der(keys, uriSan));
  }
}
