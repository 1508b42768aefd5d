package dev.meshwork.controlplane.internal.ca;

import dev.meshwork.api.ca.v1.GetTrustBundleRequest;
import dev.meshwork.api.ca.v1.TrustBundle;
import dev.meshwork.api.ca.v1.TrustBundleServiceGrpc;
import dev.meshwork.api.istio.ca.IstioCertificateRequest;
import dev.meshwork.api.istio.ca.IstioCertificateResponse;
import dev.meshwork.api.istio.ca.IstioCertificateServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;

/** The CA's two gRPC services; the certificate service reads its bearer token from metadata. */
final class CaGrpcServices {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> CALLER_AUTHORIZATION = Context.key("meshwork-ca-authorization");
  private static final Context.Key<String> CALLER_PEER = Context.key("meshwork-ca-peer");

  private CaGrpcServices() {}

  static ServerServiceDefinition certificateService(CertificateAuthority ca) {
    var impl = new IstioCertificateServiceGrpc.IstioCertificateServiceImplBase() {
      @Override
      public void createCertificate(IstioCertificateRequest request, StreamObserver<IstioCertificateResponse> out) {
        try {
          var issued = ca.createCertificate(CALLER_AUTHORIZATION.get(), request.getCsr(),
              request.getValidityDuration(), CALLER_PEER.get());
          out.onNext(IstioCertificateResponse.newBuilder().addAllCertChain(issued.chainPem()).build());
          out.onCompleted();
        } catch (CaRefusal e) {
          out.onError(e.toStatus().asRuntimeException());
        }
      }
    };
    return ServerInterceptors.intercept(impl, new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        Context ctx = Context.current()
            .withValue(CALLER_AUTHORIZATION, headers.get(AUTHORIZATION))
            .withValue(CALLER_PEER, String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        return Contexts.interceptCall(ctx, call, headers, next);
      }
    });
  }

  static ServerServiceDefinition trustBundleService(CertificateAuthority ca) {
    TrustBundle bundle = TrustBundle.newBuilder().setTrustDomain(ca.trustDomain())
        .addAllRoots(ca.roots().stream().map(Pem::encode).toList()).build();
    return new TrustBundleServiceGrpc.TrustBundleServiceImplBase() {
      @Override
      public void getTrustBundle(GetTrustBundleRequest request, StreamObserver<TrustBundle> out) {
        out.onNext(bundle);
        out.onCompleted();
      }
    }.bindService();
  }
}
