package dev.meshwork.core.internal.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.security.KeyPair;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class CsrTest {
  private static final String ID = "spiffe://cluster.local/ns/default/sa/reviews";

  @Test
  void csr_parsesWithBouncyCastle_signatureVerifies_andAsksForOneCriticalUriSan() throws Exception {
    KeyPair keys = Csr.newKeyPair();
    JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(Csr.der(keys, ID));

    assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(keys.getPublic())));
    assertEquals(keys.getPublic(), csr.getPublicKey());
    assertEquals("1.2.840.10045.4.3.2", csr.getSignatureAlgorithm().getAlgorithm().getId());
    assertEquals(0, csr.getSubject().getRDNs().length);
    Extensions ext = csr.getRequestedExtensions();
    Extension san = ext.getExtension(Extension.subjectAlternativeName);
    assertTrue(san.isCritical());
    GeneralName[] names = GeneralNames.getInstance(san.getParsedValue()).getNames();
    assertEquals(1, names.length);
    assertEquals(GeneralName.uniformResourceIdentifier, names[0].getTagNo());
    assertEquals(ID, names[0].getName().toString());
  }

  @Test
  void pem_isACertificateRequestBouncyCastleReads() throws Exception {
    KeyPair keys = Csr.newKeyPair();
    String pem = Csr.pem(keys, ID);
    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----\n"));
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      PKCS10CertificationRequest csr = (PKCS10CertificationRequest) p.readObject();
      assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(keys.getPublic())));
    }
  }

  @Test
  void freshKeyEachTime() {
    assertTrue(!Csr.newKeyPair().getPublic().equals(Csr.newKeyPair().getPublic()));
  }

  @Test
  void der_oidsAndLongLengthsMatchBouncyCastle() throws Exception {
    for (String oid : new String[] {"2.5.29.17", "1.2.840.113549.1.9.14", "1.2.840.10045.4.3.2", "2.999.1"}) {
      assertArrayEquals(new ASN1ObjectIdentifier(oid).getEncoded(), Der.oid(oid), oid);
    }
    byte[] big = Der.octetString(new byte[300]);
    assertArrayEquals(new org.bouncycastle.asn1.DEROctetString(new byte[300]).getEncoded(), big);
  }
}
