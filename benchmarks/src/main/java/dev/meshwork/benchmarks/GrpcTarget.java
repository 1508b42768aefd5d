package dev.meshwork.benchmarks;

import io.grpc.CallOptions;
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
