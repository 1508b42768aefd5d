package dev.meshwork.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.api.ca.v1.GetTrustBundleRequest;
import dev.meshwork.api.ca.v1.TrustBundle;
import dev.meshwork.api.ca.v1.TrustBundleServiceGrpc;
import dev.meshwork.api.istio.ca.IstioCertificateRequest;
import dev.meshwork.api.istio.ca.IstioCertificateServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA as a workload sees it: over gRPC on the control plane's xDS port. */
class ControlPlaneCaTest {
  static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/reviews";

  @TempDir Path tmp;

  @Test
  void issuesWithAJoinToken_refusesOthers_publishesTheTrustBundle_keepsItsRootAcrossRestarts() throws Exception {
    Path config = Files.createDirectories(tmp.resolve("config"));
    Path tokens = Files.writeString(tmp.resolve("tokens.yaml"),
        "- {token: file-token, namespace: shop, serviceAccount: ratings}\n");
    X509Certificate firstRoot;
    try (ControlPlane cp = ControlPlane.builder().configDirectory(config).xdsPort(0).adminPort(0)
        .caDirectory(tmp.resolve("meshwork-ca"))
        .joinToken("reviews-token", "default", "reviews").joinTokens(tokens).start();
        Client c = new Client(cp.xdsTarget())) {
      assertEquals("cluster.local", cp.trustDomain());
      assertTrue(Files.isRegularFile(tmp.resolve("meshwork-ca/root-key.pem")), "the root persisted in the CA directory");
      TrustBundle bundle = c.trust.getTrustBundle(GetTrustBundleRequest.getDefaultInstance());
      assertEquals("cluster.local", bundle.getTrustDomain());
      assertEquals(1, bundle.getRootsCount());
      firstRoot = parse(bundle.getRoots(0));

      List<String> chain = c.certs("reviews-token").createCertificate(request(REVIEWS)).getCertChainList();
      assertEquals(2, chain.size());
      assertEquals(firstRoot, parse(chain.get(1)));
      X509Certificate leaf = parse(chain.get(0));
      leaf.verify(firstRoot.getPublicKey());
      assertEquals(REVIEWS, leaf.getSubjectAlternativeNames().iterator().next().get(1));
      c.certs("file-token").createCertificate(request("spiffe://cluster.local/ns/shop/sa/ratings"));

      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> c.certs("wrong-token").createCertificate(request(REVIEWS)));
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
      assertEquals("unknown join token", e.getStatus().getDescription());
      e = assertThrows(StatusRuntimeException.class, () -> c.certs("reviews-token")
          .createCertificate(request("spiffe://cluster.local/ns/shop/sa/ratings")));
      assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
      assertEquals("csr asks for spiffe://cluster.local/ns/shop/sa/ratings but this join token only allows " + REVIEWS,
          e.getStatus().getDescription());
      e = assertThrows(StatusRuntimeException.class, () -> IstioCertificateServiceGrpc.newBlockingStub(c.channel)
          .createCertificate(request(REVIEWS)));
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());

      String admin = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + cp.adminPort() + "/ca")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(admin.contains("\"issued\" : 2") && admin.contains("\"refused\" : 3"), admin);
      assertTrue(admin.contains(firstRoot.getSerialNumber().toString(16)), admin);
    }

    // The next root of a rotation: another control plane's, published next to the current one.
    try (ControlPlane next = ControlPlane.builder().xdsPort(0).adminPort(-1).trustDomain("example.org")
        .caDirectory(tmp.resolve("next-ca")).start()) {
      assertEquals("example.org", next.trustDomain());
    }
    Path extraRoot = tmp.resolve("next-ca/root-cert.pem");
    try (ControlPlane cp = ControlPlane.builder().configDirectory(config).xdsPort(0).adminPort(-1)
        .caDirectory(tmp.resolve("meshwork-ca")).additionalTrustedRoots(extraRoot).start(); Client c = new Client(cp.xdsTarget())) {
      TrustBundle bundle = c.trust.getTrustBundle(GetTrustBundleRequest.getDefaultInstance());
      assertEquals(2, bundle.getRootsCount());
      assertEquals(firstRoot, parse(bundle.getRoots(0)), "a restarted control plane keeps its root");
      assertEquals(parse(Files.readString(extraRoot)), parse(bundle.getRoots(1)));
    }
  }

  static IstioCertificateRequest request(String spiffe) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    ExtensionsGenerator ext = new ExtensionsGenerator();
    ext.addExtension(Extension.subjectAlternativeName, true,
        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffe)));
    var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), keys.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
      w.writeObject(csr);
    }
    return IstioCertificateRequest.newBuilder().setCsr(pem.toString()).setValidityDuration(3600).build();
  }

  static X509Certificate parse(String pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A plaintext channel and stubs; {@link #certs} sends a bearer token as a workload would. */
  static final class Client implements AutoCloseable {
    final ManagedChannel channel;
    final TrustBundleServiceGrpc.TrustBundleServiceBlockingStub trust;

    Client(String target) {
      channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
      trust = TrustBundleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    IstioCertificateServiceGrpc.IstioCertificateServiceBlockingStub certs(String token) {
      return IstioCertificateServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .withCallCredentials(new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
              Metadata m = new Metadata();
              m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
              applier.apply(m);
            }
          });
    }

    @Override
    public void close() throws InterruptedException {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
