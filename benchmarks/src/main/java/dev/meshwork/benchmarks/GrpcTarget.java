package dev.meshwork.benchmarks;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A gRPC channel (plain or mesh) making unary calls answered with 1 KiB. */
final class GrpcTarget implements Target {
  private static final byte[] EMPTY = new byte[0];
  private final String name;
  private final ManagedChannel channel;

  GrpcTarget(String name, ManagedChannel channel) {
    this.name = name;
    this.channel = channel;
  }

  @Override
  public String name() {
    return name;
  }

  private CallOptions options() {
    return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Override
  public void call() {
    byte[] r = ClientCalls.blockingUnaryCall(channel, Servers.ECHO, options(), EMPTY);
    if (r.length != 1024) {
      throw new IllegalStateException(r.length + " bytes");
    }
  }

  /** The first call waits for the channel (xDS resolution) to be ready. */
  void awaitReady() {
    ClientCalls.blockingUnaryCall(channel, Servers.ECHO, CallOptions.DEFAULT.withWaitForReady()
        .withDeadlineAfter(20, TimeUnit.SECONDS), EMPTY);
  }

  @Override
  public String probe() {
    AtomicReference<Attributes> attrs = new AtomicReference<>();
    Channel probing = ClientInterceptors.intercept(channel, new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            ClientCall<Q, A> call = this;
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onHeaders(Metadata h) {
                attrs.set(call.getAttributes());
                super.onHeaders(h);
              }
            }, headers);
          }
        };
      }
    });
    byte[] r = ClientCalls.blockingUnaryCall(probing, Servers.ECHO, options(), EMPTY);
    if (r.length != 1024) {
      throw new IllegalStateException(r.length + " bytes");
    }
    SSLSession session = attrs.get() == null ? null : attrs.get().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return attrs.get() == null ? "unknown (no headers)" : "plaintext";
    }
    try {
      return Tls.idOf(session.getPeerCertificates()) + " (" + session.getProtocol() + ", " + session.getCipherSuite() + ")";
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return "TLS without a server certificate";
    }
  }

  @Override
  public void callAsync(Consumer<Throwable> done) {
    ClientCalls.asyncUnaryCall(channel.newCall(Servers.ECHO, options()), EMPTY, new StreamObserver<>() {
      @Override
      public void onNext(byte[] value) {}

      @Override
      public void onError(Throwable t) {
        done.accept(t);
      }

      @Override
      public void onCompleted() {
        done.accept(null);
      }
    });
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
