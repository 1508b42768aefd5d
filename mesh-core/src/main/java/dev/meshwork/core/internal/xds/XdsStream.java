package dev.meshwork.core.internal.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * One ADS call, state of the world ({@link AdsStream}) or incremental ({@link DeltaAdsStream}).
 * Owns the transport-level stream state (ready, closed, whether the node was sent) and hops every
 * gRPC callback onto the client's {@link SynchronizationContext}; all methods must be called on
 * that context. Callbacks stop once the stream is closed or cancelled, so a late message from an
 * old stream can never touch the client's state.
 *
 * @param <Q> request message
 * @param <R> response message
 */
abstract class XdsStream<Q, R> {
  /** Events of one stream, delivered on the synchronization context. */
  interface Handler {
    void onReady(XdsStream<?, ?> stream);

    void onResponse(AdsStream stream, DiscoveryResponse response);

    void onDeltaResponse(DeltaAdsStream stream, DeltaDiscoveryResponse response);

    /** Exactly once per stream, unless the client cancelled it. OK means the server completed it. */
    void onClosed(XdsStream<?, ?> stream, Status status);
  }

  final Handler handler;
  private final SynchronizationContext ctx;
  private final Node node;
  private ClientCallStreamObserver<Q> requests;
  private boolean nodeSent;
  private boolean ready;
  private boolean responseReceived;
  private boolean closed;

  XdsStream(SynchronizationContext ctx, Node node, Handler handler) {
    this.ctx = ctx;
    this.node = node;
    this.handler = handler;
  }

  /** The observer to start the call with; subclasses start it at the end of their constructor. */
  final ClientResponseObserver<Q, R> observer() {
    return new Observer();
  }

  /** A response of this stream, on the context, while the stream is open. */
  abstract void deliver(R response);

  /**
   * The node for the stream's first request, null afterwards: it only identifies the stream and
   * servers remember it, so later requests stay small.
   */
  final Node nodeOnce() {
    if (nodeSent) {
      return null;
    }
    nodeSent = true;
    return node;
  }

  /** A NACK's error_detail: {@code INVALID_ARGUMENT} with "name: reason" per rejected resource. */
  static com.google.rpc.Status nackStatus(String errorDetail) {
    return com.google.rpc.Status.newBuilder()
        .setCode(com.google.rpc.Code.INVALID_ARGUMENT_VALUE)
        .setMessage(errorDetail)
        .build();
  }

  final void write(Q request) {
    requests.onNext(request);
  }

  final boolean isClosed() {
    return closed;
  }

  /** The transport is up: requests sent now actually reach the server. */
  final boolean isReady() {
    return ready;
  }

  final boolean responseReceived() {
    return responseReceived;
  }

  /** Client-side close; no {@link Handler#onClosed} follows. */
  final void cancel(String reason) {
    if (!closed) {
      closed = true;
      requests.cancel(reason, null);
    }
  }

  private final class Observer implements ClientResponseObserver<Q, R> {
    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
      requests = requestStream;
      requestStream.setOnReadyHandler(() -> ctx.execute(() -> {
        if (!closed && !ready) {
          ready = true;
          handler.onReady(XdsStream.this);
        }
      }));
    }

    @Override
    public void onNext(R response) {
      ctx.execute(() -> {
        if (!closed) {
          responseReceived = true;
          deliver(response);
        }
      });
    }

    @Override
    public void onError(Throwable t) {
      closeWith(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      closeWith(Status.OK);
    }

    private void closeWith(Status status) {
      ctx.execute(() -> {
        if (!closed) {
          closed = true;
          handler.onClosed(XdsStream.this, status);
        }
      });
    }
  }
}
