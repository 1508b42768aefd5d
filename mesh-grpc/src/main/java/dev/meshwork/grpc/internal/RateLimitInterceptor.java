package dev.meshwork.grpc.internal;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshRejectedException;
import dev.meshwork.core.engine.MeshRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Local rate limiting for gRPC calls, which grpc-xds does not implement: before a call starts,
 * the route it matches (method path, headers) takes a token from its bucket; an empty bucket fails
 * the call with UNAVAILABLE, as Envoy's 429 reaches a gRPC client, and nothing is sent. With
 * telemetry on, the refused call carries Envoy's response flag {@code RL}.
 * A call to a service whose listener has no rate limit filter is passed on unwrapped.
 */
public final class RateLimitInterceptor implements ClientInterceptor {
  private final Mesh mesh;
  private final String service;

  public RateLimitInterceptor(Mesh mesh, String service) {
    this.mesh = mesh;
    this.service = service;
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
      CallOptions options, Channel next) {
    if (!mesh.isRateLimited(service)) { // decided per call, as Envoy's filter does: no wrapper when nothing can refuse
      return next.newCall(method, options);
    }
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      private boolean rejected;

      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        try {
          mesh.admit(service, new GrpcRequest(method.getFullMethodName(), headers));
        } catch (MeshRejectedException e) {
          rejected = true;
          CallTelemetry telemetry = ClientTelemetryInterceptor.of(options);
          if (telemetry != null) {
            telemetry.flag("RL");
          }
          listener.onClose(Status.UNAVAILABLE.withDescription(e.getMessage()), new Metadata());
          return;
        }
        super.start(listener, headers);
      }

      @Override
      public void request(int n) {
        if (!rejected) {
          super.request(n);
        }
      }

      @Override
      public void sendMessage(ReqT message) {
        if (!rejected) {
          super.sendMessage(message);
        }
      }

      @Override
      public void halfClose() {
        if (!rejected) {
          super.halfClose();
        }
      }

      @Override
      public void cancel(String message, Throwable cause) {
        if (!rejected) {
          super.cancel(message, cause);
        }
      }
    };
  }

  /** A gRPC call as the engine sees it: POST /pkg.Service/Method with its metadata as headers. */
  private record GrpcRequest(String fullMethodName, Metadata headers) implements MeshRequest {
    @Override
    public String method() {
      return "POST";
    }

    @Override
    public String path() {
      return "/" + fullMethodName;
    }

    @Override
    public String query() {
      return null;
    }

    @Override
    public String header(String lowerCaseName) {
      if (lowerCaseName.endsWith(Metadata.BINARY_HEADER_SUFFIX) || lowerCaseName.startsWith(":")) {
        return null;
      }
      return headers.get(Metadata.Key.of(lowerCaseName, Metadata.ASCII_STRING_MARSHALLER));
    }
  }
}
