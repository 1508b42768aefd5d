package dev.meshwork.core.internal.identity;

import dev.meshwork.api.ca.v1.GetTrustBundleRequest;
import dev.meshwork.api.ca.v1.TrustBundleServiceGrpc;
import dev.meshwork.api.istio.ca.IstioCertificateRequest;
import dev.meshwork.api.istio.ca.IstioCertificateResponse;
import dev.meshwork.api.istio.ca.IstioCertificateServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Talks to the control plane's CA ({@code istio.v1.auth.IstioCertificateService}, so istiod
 * works too) and trust-bundle service over one channel built like the registration's. Each
 * {@link #issue} generates a fresh key in process and sends only its CSR. Thread-safe.
 */
public final class CaClient implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String target;
  private final String spiffeId;
  private final ManagedChannel channel;
  private final IstioCertificateServiceGrpc.IstioCertificateServiceBlockingStub ca;
  private final TrustBundleServiceGrpc.TrustBundleServiceBlockingStub bundles;

  public CaClient(String target, String bearerToken, String spiffeId) {
    this.target = target;
    this.spiffeId = spiffeId;
    this.channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + bearerToken);
    this.ca = IstioCertificateServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    this.bundles = TrustBundleServiceGrpc.newBlockingStub(channel);
  }

  /** The control plane's {@code host:port}. */
  public String target() {
    return target;
  }

  /**
   * A new key and a certificate for it, with the trust bundle.
   *
   * @param ttl requested validity; zero leaves it to the CA
   * @param deadline for each of the two calls
   * @param waitForReady wait (up to the deadline) for the control plane to become reachable
   *     instead of failing fast
   * @throws StatusRuntimeException when a call fails or the CA refuses
   * @throws CertificateException when the CA's answer is unusable (not our key, not our ID)
   */
  public CertSnapshot issue(Duration ttl, Duration deadline, boolean waitForReady)
      throws CertificateException {
    KeyPair keys = Csr.newKeyPair();
    IstioCertificateRequest req = IstioCertificateRequest.newBuilder()
        .setCsr(Csr.pem(keys, spiffeId))
        .setValidityDuration(ttl.toSeconds())
        .build();
    var caStub = waitForReady ? ca.withWaitForReady() : ca;
    IstioCertificateResponse resp =
        caStub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).createCertificate(req);
    List<X509Certificate> issued = Pem.certificates(resp.getCertChainList());
    if (issued.isEmpty()) {
      throw new CertificateException("CA answered with an empty cert_chain");
    }
    X509Certificate leaf = issued.get(0);
    if (!leaf.getPublicKey().equals(keys.getPublic())) {
      throw new CertificateException("CA issued certificate " + leaf.getSerialNumber().toString(16)
          + " for another key than the one in our CSR");
    }
    List<String> ids = SpiffeSans.of(leaf);
    if (!ids.equals(List.of(spiffeId))) {
      throw new CertificateException("CA issued certificate " + leaf.getSerialNumber().toString(16) + " for "
          + ids + " (expected: [" + spiffeId + "])");
    }
    return CertSnapshot.of(keys.getPrivate(), issued, trustBundle(deadline, waitForReady));
  }

  /** All trusted roots; empty when the server has no trust-bundle service (istiod). */
  private List<X509Certificate> trustBundle(Duration deadline, boolean waitForReady) throws CertificateException {
    var stub = waitForReady ? bundles.withWaitForReady() : bundles;
    try {
      return Pem.certificates(stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getRootsList());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return List.of(); // the root at the end of the chain is then the only one
      }
      throw e;
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
