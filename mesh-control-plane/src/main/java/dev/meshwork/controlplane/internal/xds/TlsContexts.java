package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;

/**
 * TLS contexts exactly as istiod's grpcgen writes them for proxyless gRPC (grpcgen.go
 * buildCommonTLSContext): certificates from the bootstrap's certificate provider instance
 * {@code default} (identity {@code default}, roots {@code ROOTCA}), in both the current fields
 * ({@code tls_certificate_provider_instance}, {@code default_validation_context.ca_certificate_provider_instance},
 * which grpc-java reads) and the deprecated ones older gRPC releases read; no {@code tls_params}
 * (grpc-java NACKs it). A gRPC client or server that receives these must have a {@code default}
 * certificate provider in its bootstrap, else it NACKs the resource.
 */
final class TlsContexts {
  /** The transport socket name gRPC expects. */
  static final String TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
  static final String PROVIDER = "default";
  static final String IDENTITY_CERT = "default";
  static final String ROOT_CERT = "ROOTCA";

  private TlsContexts() {}

  /** istiod's CommonTlsContext; {@code sans} exact SAN matches (clients only), may be empty. */
  @SuppressWarnings("deprecation") // the deprecated fields are sent on purpose, as istiod does
  static CommonTlsContext common(List<String> sans) {
    CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder()
        .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
            .setInstanceName(PROVIDER).setCertificateName(ROOT_CERT));
    for (String san : sans) {
      validation.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(san));
    }
    return CommonTlsContext.newBuilder()
        .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
            .setInstanceName(PROVIDER).setCertificateName(IDENTITY_CERT))
        .setTlsCertificateCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
            .setInstanceName(PROVIDER).setCertificateName(IDENTITY_CERT))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setValidationContextCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
                .setInstanceName(PROVIDER).setCertificateName(ROOT_CERT))
            .setDefaultValidationContext(validation))
        .build();
  }

  /** A server's mTLS socket: client certificate required, no SAN match (gRPC rejects one on servers). */
  static TransportSocket downstreamMtls() {
    DownstreamTlsContext ctx = DownstreamTlsContext.newBuilder()
        .setCommonTlsContext(common(List.of()))
        .setRequireClientCertificate(BoolValue.of(true))
        .build();
    return TransportSocket.newBuilder().setName(TRANSPORT_SOCKET).setTypedConfig(Any.pack(ctx)).build();
  }

  /** A client's mTLS socket verifying the server's SPIFFE ID against {@code sans}; {@code sni} may be null. */
  static TransportSocket upstreamMtls(List<String> sans, String sni) {
    UpstreamTlsContext.Builder ctx = UpstreamTlsContext.newBuilder().setCommonTlsContext(common(sans));
    if (sni != null) {
      ctx.setSni(sni);
    }
    return TransportSocket.newBuilder().setName(TRANSPORT_SOCKET).setTypedConfig(Any.pack(ctx.build())).build();
  }
}
