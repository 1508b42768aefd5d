package dev.meshwork.grpc.internal;

import io.grpc.ForwardingServerCallListener;
import io.grpc.ServerCall;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/** Runs each of a server call's callbacks with an OpenTelemetry context current. */
final class ContextListener<ReqT> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
  private final Context context;

  ContextListener(ServerCall.Listener<ReqT> delegate, Context context) {
    super(delegate);
    this.context = context;
  }

  @Override
  public void onMessage(ReqT message) {
    try (Scope s = context.makeCurrent()) {
      super.onMessage(message);
    }
  }

  @Override
  public void onHalfClose() {
    try (Scope s = context.makeCurrent()) {
      super.onHalfClose();
    }
  }

  @Override
  public void onCancel() {
    try (Scope s = context.makeCurrent()) {
      super.onCancel();
    }
  }

  @Override
  public void onComplete() {
    try (Scope s = context.makeCurrent()) {
      super.onComplete();
    }
  }

  @Override
  public void onReady() {
    try (Scope s = context.makeCurrent()) {
      super.onReady();
    }
  }
}
