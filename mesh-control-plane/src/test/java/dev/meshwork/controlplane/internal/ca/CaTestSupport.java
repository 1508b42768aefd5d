package dev.meshwork.controlplane.internal.ca;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;

/** CSRs, keys and CA certificates built the way a workload or an operator would. */
final class CaTestSupport {
  static final String TD = "cluster.local";
  static final String SPIFFE = "spiffe://cluster.local/ns/default/sa/reviews";

  private CaTestSupport() {}

  static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  static KeyPair rsa(int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    return g.generateKeyPair();
  }

  static GeneralName uri(String u) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, u);
  }

  static GeneralName dns(String d) {
    return new GeneralName(GeneralName.dNSName, d);
  }

  /** A PEM CSR for {@code keys} asking for {@code sans}, signed by {@code signer}'s private key. */
  static String csr(KeyPair keys, KeyPair signer, GeneralName... sans) throws Exception {
    PKCS10CertificationRequestBuilder b = new PKCS10CertificationRequestBuilder(new X500Name("O=ignored"),
        SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
    if (sans.length > 0) {
      ExtensionsGenerator ext = new ExtensionsGenerator();
      ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
    }
    String alg = signer.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    return pem(b.build(new JcaContentSignerBuilder(alg).build(signer.getPrivate())));
  }

  static String csr(KeyPair keys, GeneralName... sans) throws Exception {
    return csr(keys, keys, sans);
  }

  static String pem(Object o) throws Exception {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    return s.toString();
  }

  /** A CA certificate for {@code keys}, signed by {@code issuerKeys} (self-signed when issuer is null). */
  static X509Certificate caCert(String cn, KeyPair keys, X509Certificate issuer, KeyPair issuerKeys, boolean ca,
      Duration validity) throws Exception {
    X500Name subject = new X500Name("CN=" + cn);
    Instant now = Instant.now();
    var b = issuer == null
        ? new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)),
            Date.from(now.plus(validity)), subject, keys.getPublic())
        : new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)),
            Date.from(now.plus(validity)), subject, keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }
    b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
    KeyPair signer = issuer == null ? keys : issuerKeys;
    return Pem.toX509(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  static Path write(Path file, Object... pemObjects) throws Exception {
    StringBuilder s = new StringBuilder();
    for (Object o : pemObjects) {
      s.append(o instanceof String text ? text : o instanceof java.security.PrivateKey k ? Pem.encode(k) : pem(o));
    }
    return Files.writeString(file, s);
  }

  static List<X509Certificate> parse(List<String> pems) throws Exception {
    CertificateFactory f = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (String p : pems) {
      out.add((X509Certificate) f.generateCertificate(new java.io.ByteArrayInputStream(p.getBytes())));
    }
    return out;
  }

  /** Validates leaf + intermediates (the chain minus its root) with the JDK's PKIX validator. */
  static void validate(List<X509Certificate> chain, X509Certificate root) throws Exception {
    CertificateFactory f = CertificateFactory.getInstance("X.509");
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(f.generateCertPath(chain.subList(0, chain.size() - 1)), params);
  }
}
