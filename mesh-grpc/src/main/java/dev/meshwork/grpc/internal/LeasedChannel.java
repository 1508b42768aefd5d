package dev.meshwork.grpc.internal;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.util.concurrent.TimeUnit;

/** A channel that gives its xDS client and (shared) mesh references back when it is shut down. */
public final class LeasedChannel extends ManagedChannel {
  private final ManagedChannel delegate;
  private final MeshXdsClients.Lease lease;
  private final SharedMeshes.Lease mesh;

  /** {@code mesh} is null for a channel on the caller's own mesh. */
  public LeasedChannel(ManagedChannel delegate, MeshXdsClients.Lease lease, SharedMeshes.Lease mesh) {
    this.delegate = delegate;
    this.lease = lease;
    this.mesh = mesh;
  }

  @Override
  public ManagedChannel shutdown() {
    delegate.shutdown();
    lease.release();
    if (mesh != null) {
      mesh.release();
    }
    return this;
  }

  @Override
  public ManagedChannel shutdownNow() {
    delegate.shutdownNow();
    lease.release();
    if (mesh != null) {
      mesh.release();
    }
    return this;
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return delegate.awaitTermination(timeout, unit);
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(MethodDescriptor<ReqT, RespT> method, CallOptions options) {
    return delegate.newCall(method, options);
  }

  @Override
  public String authority() {
    return delegate.authority();
  }

  @Override
  public ConnectivityState getState(boolean requestConnection) {
    return delegate.getState(requestConnection);
  }

  @Override
  public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
    delegate.notifyWhenStateChanged(source, callback);
  }

  @Override
  public void resetConnectBackoff() {
    delegate.resetConnectBackoff();
  }

  @Override
  public void enterIdle() {
    delegate.enterIdle();
  }

  @Override
  public String toString() {
    return "LeasedChannel{" + delegate + "}";
  }
}
