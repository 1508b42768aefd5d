package dev.meshwork.controlplane.internal.ca;

import static dev.meshwork.controlplane.internal.ca.CaTestSupport.SPIFFE;
import static dev.meshwork.controlplane.internal.ca.CaTestSupport.caCert;
import static dev.meshwork.controlplane.internal.ca.CaTestSupport.csr;
import static dev.meshwork.controlplane.internal.ca.CaTestSupport.ec;
import static dev.meshwork.controlplane.internal.ca.CaTestSupport.uri;
import static dev.meshwork.controlplane.internal.ca.CaTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningCaTest {
  @TempDir Path tmp;

  @Test
  void operatorIntermediate_issuesLeafIntermediateRootChain() throws Exception {
    KeyPair rootKeys = ec("secp256r1");
    KeyPair midKeys = ec("secp384r1");
    X509Certificate root = caCert("ops root", rootKeys, null, null, true, Duration.ofDays(365));
    X509Certificate mid = caCert("ops intermediate", midKeys, root, rootKeys, true, Duration.ofDays(30));
    Path extra = write(tmp.resolve("extra.pem"), caCert("next root", ec("secp256r1"), null, null, true, Duration.ofDays(900)));
    CaConfig config = new CaConfig("example.org", null, write(tmp.resolve("mid.pem"), mid),
        write(tmp.resolve("mid-key.pem"), midKeys.getPrivate()), write(tmp.resolve("chain.pem"), root), extra,
        List.of(write(tmp.resolve("tokens.yaml"), "- {token: t1, namespace: default, serviceAccount: reviews}\n")
            .toAbsolutePath()), List.of(), Duration.ofHours(24), Duration.ofDays(90));
    CertificateAuthority ca = CertificateAuthority.create(config);
    assertEquals(2, ca.roots().size());
    assertEquals(root, ca.roots().get(0));
    String spiffe = SPIFFE.replace("cluster.local", "example.org");
    List<X509Certificate> chain = CaTestSupport.parse(ca.createCertificate("Bearer t1", csr(ec("secp256r1"), uri(spiffe)),
        Duration.ofDays(60).getSeconds(), "t").chainPem());
    assertEquals(List.of(mid, root), chain.subList(1, 3));
    CaTestSupport.validate(chain, root);
    assertEquals(mid.getNotAfter(), chain.get(0).getNotAfter(), "a leaf never outlives its signing certificate");
  }

  @Test
  void mismatchedKey_nonCa_andMissingChain_areRefused() throws Exception {
    KeyPair rootKeys = ec("secp256r1");
    X509Certificate root = caCert("ops root", rootKeys, null, null, true, Duration.ofDays(365));
    Path rootPem = write(tmp.resolve("root.pem"), root);
    Path otherKey = write(tmp.resolve("other-key.pem"), ec("secp256r1").getPrivate());
    IOException e = assertThrows(IOException.class, () -> SigningCa.fromFiles(rootPem, otherKey, null));
    assertTrue(e.getMessage().startsWith("CA key " + otherKey + " does not match certificate " + rootPem), e.getMessage());

    KeyPair leafKeys = ec("secp256r1");
    Path notCa = write(tmp.resolve("leaf.pem"), caCert("leaf", leafKeys, root, rootKeys, false, Duration.ofDays(1)));
    Path leafKey = write(tmp.resolve("leaf-key.pem"), leafKeys.getPrivate());
    e = assertThrows(IOException.class, () -> SigningCa.fromFiles(notCa, leafKey, rootPem));
    assertTrue(e.getMessage().startsWith(notCa + " is not a CA certificate"), e.getMessage());

    KeyPair midKeys = ec("secp256r1");
    Path mid = write(tmp.resolve("mid.pem"), caCert("mid", midKeys, root, rootKeys, true, Duration.ofDays(1)));
    Path midKey = write(tmp.resolve("mid-key.pem"), midKeys.getPrivate());
    e = assertThrows(IOException.class, () -> SigningCa.fromFiles(mid, midKey, null));
    assertTrue(e.getMessage().startsWith("the CA chain does not end with a self-signed root")
        && e.getMessage().endsWith("give the chain up to the root"), e.getMessage());
    Path wrongRoot = write(tmp.resolve("wrong.pem"), caCert("ops root", ec("secp256r1"), null, null, true, Duration.ofDays(9)));
    e = assertThrows(IOException.class, () -> SigningCa.fromFiles(mid, midKey, wrongRoot));
    assertTrue(e.getMessage().contains("is not signed by the next certificate of the chain"), e.getMessage());
    assertEquals(2, SigningCa.fromFiles(mid, midKey, rootPem).chain().size());
  }
}
