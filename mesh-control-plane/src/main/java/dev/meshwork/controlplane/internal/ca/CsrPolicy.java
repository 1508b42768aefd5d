package dev.meshwork.controlplane.internal.ca;

import io.grpc.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Checks a workload's PKCS#10 request: it parses, its signature verifies with its own key, the key
 * is EC P-256/P-384 or RSA of at least 2048 bits, and it asks for exactly one SAN, the URI of the
 * identity its join token grants. Everything else in the request (subject, other extensions) is
 * ignored: the issuer writes the certificate's content itself. Stateless.
 */
final class CsrPolicy {
  static final int MAX_CSR_CHARS = 64 * 1024;
  static final int MIN_RSA_BITS = 2048;

  private CsrPolicy() {}

  /** The request's public key, once every check passed. */
  static PublicKey check(String csrPem, String allowedUri) throws CaRefusal {
    if (csrPem == null || csrPem.isBlank()) {
      throw invalid("csr: empty (expected a PEM CERTIFICATE REQUEST)");
    }
    if (csrPem.length() > MAX_CSR_CHARS) {
      throw invalid("csr: " + csrPem.length() + " characters (expected: at most " + MAX_CSR_CHARS + ")");
    }
    PKCS10CertificationRequest csr;
    try {
      csr = Pem.parseCsr(csrPem);
    } catch (IOException | RuntimeException e) {
      throw invalid("csr: not a parseable PEM CERTIFICATE REQUEST (" + e.getMessage() + ")");
    }
    if (csr == null) {
      throw invalid("csr: no PEM CERTIFICATE REQUEST block (PKCS#10) found");
    }
    String keyAlgorithm = checkKey(csr.getSubjectPublicKeyInfo().getAlgorithm());
    PublicKey key;
    boolean signatureOk;
    try {
      // The JDK names key factories "EC"/"RSA", not by OID as BouncyCastle's own helpers would ask.
      key = KeyFactory.getInstance(keyAlgorithm)
          .generatePublic(new X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
      signatureOk = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
    } catch (Exception e) { // unsupported algorithms, malformed keys or signatures
      throw invalid("csr: signature cannot be verified (" + e.getMessage() + ")");
    }
    if (!signatureOk) {
      throw invalid("csr: signature does not verify with the request's own public key");
    }
    if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
      throw invalid("csr: RSA key of " + rsa.getModulus().bitLength() + " bits (expected: at least " + MIN_RSA_BITS + ")");
    }
    checkSans(sans(csr), allowedUri);
    return key;
  }

  /** The JCA key algorithm, if the key type and curve are acceptable. */
  private static String checkKey(AlgorithmIdentifier alg) throws CaRefusal {
    ASN1ObjectIdentifier type = alg.getAlgorithm();
    if (type.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      return "RSA"; // size checked once the key is decoded
    }
    if (type.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      ASN1Encodable params = alg.getParameters();
      if (params instanceof ASN1ObjectIdentifier curve
          && (curve.equals(SECObjectIdentifiers.secp256r1) || curve.equals(SECObjectIdentifiers.secp384r1))) {
        return "EC";
      }
      throw invalid("csr: EC key on curve " + params + " (expected: P-256 or P-384)");
    }
    throw invalid("csr: key algorithm " + type + " (expected: EC P-256, EC P-384 or RSA >= " + MIN_RSA_BITS + " bits)");
  }

  private static List<GeneralName> sans(PKCS10CertificationRequest csr) throws CaRefusal {
    List<GeneralName> out = new ArrayList<>();
    try {
      for (Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
        for (ASN1Encodable value : a.getAttrValues().toArray()) {
          GeneralNames names = GeneralNames.fromExtensions(Extensions.getInstance(value), Extension.subjectAlternativeName);
          if (names != null) {
            out.addAll(List.of(names.getNames()));
          }
        }
      }
    } catch (RuntimeException e) {
      throw invalid("csr: unreadable extension request (" + e.getMessage() + ")");
    }
    return out;
  }

  private static void checkSans(List<GeneralName> sans, String allowedUri) throws CaRefusal {
    if (sans.isEmpty()) {
      throw invalid("csr: requests no subject alternative name (expected exactly one URI SAN: " + allowedUri + ")");
    }
    List<String> uris = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (GeneralName n : sans) {
      if (n.getTagNo() == GeneralName.uniformResourceIdentifier) {
        uris.add(n.getName().toString());
      } else {
        others.add(describe(n));
      }
    }
    if (!others.isEmpty() || uris.size() != 1) {
      List<String> all = new ArrayList<>(uris);
      all.addAll(others);
      throw invalid("csr: requests SANs " + all + " (expected exactly one URI SAN: " + allowedUri + ")");
    }
    if (!uris.get(0).equals(allowedUri)) {
      throw new CaRefusal(Status.Code.PERMISSION_DENIED, "csr asks for " + uris.get(0)
          + " but this join token only allows " + allowedUri);
    }
  }

  private static String describe(GeneralName n) {
    String kind = switch (n.getTagNo()) {
      case GeneralName.dNSName -> "DNS";
      case GeneralName.iPAddress -> "IP";
      case GeneralName.rfc822Name -> "email";
      case GeneralName.directoryName -> "DirName";
      default -> "type " + n.getTagNo();
    };
    if (n.getTagNo() == GeneralName.iPAddress) {
      try {
        return kind + ":" + InetAddress.getByAddress(ASN1OctetString.getInstance(n.getName()).getOctets()).getHostAddress();
      } catch (UnknownHostException e) {
        return kind + ":(malformed)";
      }
    }
    return kind + ":" + n.getName();
  }

  private static CaRefusal invalid(String reason) {
    return new CaRefusal(Status.Code.INVALID_ARGUMENT, reason);
  }
}
