package dev.meshwork.grpc.internal;

import dev.meshwork.core.identity.SpiffePeers;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every call an xDS server refuses with PERMISSION_DENIED (its RBAC filters, i.e. an
 * AuthorizationPolicy) with the caller's SPIFFE ID, on logger {@code dev.meshwork.authz}, the
 * logger mesh-core's HTTP policy check uses too. A stream tracer rather than an interceptor:
 * grpc-xds's own interceptor runs first and answers a denied call before ours would see it.
 */
public final class DenialLog extends ServerStreamTracer.Factory {
  private static final Logger log = LoggerFactory.getLogger("dev.meshwork.authz");

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return new ServerStreamTracer() {
      private volatile ServerCallInfo<?, ?> call;

      @Override
      public void serverCallStarted(ServerCallInfo<?, ?> info) {
        call = info;
      }

      @Override
      public void streamClosed(Status status) {
        if (status.getCode() == Status.Code.PERMISSION_DENIED) {
          ServerCallInfo<?, ?> info = call;
          SSLSession session = info == null ? null : info.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
          log.warn("denied {} POST /{}: {}", caller(session), fullMethodName, status.getDescription());
        }
      }
    };
  }

  /** The peer's SPIFFE ID, or what is known of a peer without one. */
  static String caller(SSLSession session) {
    if (session == null) {
      return "plaintext peer";
    }
    return SpiffePeers.peerId(session).map(Object::toString).orElse("TLS peer without a SPIFFE ID");
  }
}
