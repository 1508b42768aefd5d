package dev.meshwork.core.identity;

import dev.meshwork.api.ca.v1.GetTrustBundleRequest;
import dev.meshwork.api.ca.v1.TrustBundle;
import dev.meshwork.api.ca.v1.TrustBundleServiceGrpc;
import dev.meshwork.api.istio.ca.IstioCertificateRequest;
import dev.meshwork.api.istio.ca.IstioCertificateResponse;
import dev.meshwork.api.istio.ca.IstioCertificateServiceGrpc;
import dev.meshwork.core.internal.identity.Pem;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The CA and trust-bundle services on loopback, as the control plane serves them, over a
 * {@link TestCa}: checks the bearer token and the CSR signature, issues what the CSR asks for.
 * {@link #down} makes every call fail UNAVAILABLE, as an unreachable control plane would.
 */
final class TestCaServer implements AutoCloseable {
  static final String TOKEN = "join-token-1";
  private static final Metadata.Key<String> AUTH = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  final TestCa ca;
  volatile boolean down;
  volatile Duration defaultTtl = Duration.ofHours(1);
  volatile long lastRequestedSeconds = -1;
  final AtomicInteger issued = new AtomicInteger();
  private final Server server;

  TestCaServer(TestCa ca) throws Exception {
    this.ca = ca;
    ServerInterceptor gate = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        if (down) {
          call.close(Status.UNAVAILABLE.withDescription("test CA is down"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        boolean isCa = call.getMethodDescriptor().getServiceName().equals(IstioCertificateServiceGrpc.SERVICE_NAME);
        if (isCa && !("Bearer " + TOKEN).equals(headers.get(AUTH))) {
          call.close(Status.UNAUTHENTICATED.withDescription("join token not recognised"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
      }
    };
    server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(ServerInterceptors.intercept(new Ca(), gate))
        .addService(ServerInterceptors.intercept(new Bundles(), gate))
        .build().start();
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  private final class Ca extends IstioCertificateServiceGrpc.IstioCertificateServiceImplBase {
    @Override
    public void createCertificate(IstioCertificateRequest req, StreamObserver<IstioCertificateResponse> out) {
      try (PEMParser p = new PEMParser(new StringReader(req.getCsr()))) {
        JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest((PKCS10CertificationRequest) p.readObject());
        if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getPublicKey()))) {
          out.onError(Status.INVALID_ARGUMENT.withDescription("CSR signature invalid").asException());
          return;
        }
        Extensions ext = Extensions.getInstance(csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)[0]
            .getAttrValues().getObjectAt(0));
        String uri = GeneralNames.getInstance(ext.getExtension(Extension.subjectAlternativeName).getParsedValue())
            .getNames()[0].getName().toString();
        lastRequestedSeconds = req.getValidityDuration();
        Duration ttl = req.getValidityDuration() > 0 ? Duration.ofSeconds(req.getValidityDuration()) : defaultTtl;
        X509Certificate leaf = ca.issue(csr.getPublicKey(), uri, ttl);
        issued.incrementAndGet();
        out.onNext(IstioCertificateResponse.newBuilder()
            .addCertChain(Pem.encode(List.of(leaf))).addCertChain(Pem.encode(List.of(ca.root()))).build());
        out.onCompleted();
      } catch (Exception e) {
        out.onError(Status.INTERNAL.withDescription(e.toString()).asException());
      }
    }
  }

  private final class Bundles extends TrustBundleServiceGrpc.TrustBundleServiceImplBase {
    @Override
    public void getTrustBundle(GetTrustBundleRequest req, StreamObserver<TrustBundle> out) {
      out.onNext(TrustBundle.newBuilder().setTrustDomain("cluster.local")
          .addRoots(Pem.encode(List.of(ca.root()))).build());
      out.onCompleted();
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination();
  }
}
