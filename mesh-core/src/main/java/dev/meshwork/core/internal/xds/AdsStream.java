package dev.meshwork.core.internal.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One ADS call. Owns the per-stream protocol state (nonces, whether the node was sent) and hops
 * every gRPC callback onto the client's {@link SynchronizationContext}; all methods must be called
 * on that context. Callbacks stop once the stream is closed or cancelled, so a late message from
 * an old stream can never touch the client's state.
 */
final class AdsStream {
  /** Events of one stream, delivered on the synchronization context. */
  interface Handler {
    void onReady(AdsStream stream);

    void onResponse(AdsStream stream, DiscoveryResponse response);

    /** Exactly once per stream, unless the client cancelled it. OK means the server completed it. */
    void onClosed(AdsStream stream, Status status);
  }

  private final SynchronizationContext ctx;
  private final Node node;
  private final Handler handler;
  // Nonce of the latest response per type on this stream; echoed in every later request of that type.
  private final Map<String, String> nonces = new HashMap<>();
  private final Set<String> requestedTypes = new HashSet<>();
  private ClientCallStreamObserver<DiscoveryRequest> requests;
  private boolean nodeSent;
  private boolean ready;
  private boolean responseReceived;
  private boolean closed;

  AdsStream(Channel channel, SynchronizationContext ctx, Node node, Handler handler) {
    this.ctx = ctx;
    this.node = node;
    this.handler = handler;
    AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new Observer());
  }

  /**
   * Sends a request for {@code typeUrl} naming every subscribed resource (state of the world).
   *
   * @param version the last accepted version of the type ("" when none)
   * @param errorDetail null for a subscription or ACK; the rejection reason for a NACK
   */
  void send(String typeUrl, Collection<String> names, String version, String errorDetail) {
    if (closed) {
      return;
    }
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
        .setTypeUrl(typeUrl)
        .addAllResourceNames(names)
        .setVersionInfo(version)
        .setResponseNonce(nonces.getOrDefault(typeUrl, ""));
    // The node only identifies the stream; servers remember it, so later requests stay small.
    if (!nodeSent) {
      request.setNode(node);
      nodeSent = true;
    }
    if (errorDetail != null) {
      request.setErrorDetail(com.google.rpc.Status.newBuilder()
          .setCode(com.google.rpc.Code.INVALID_ARGUMENT_VALUE)
          .setMessage(errorDetail));
    }
    requestedTypes.add(typeUrl);
    requests.onNext(request.build());
  }

  /** Whether a request of this type went out on this stream (an empty one then means "none"). */
  boolean hasRequested(String typeUrl) {
    return requestedTypes.contains(typeUrl);
  }

  /** The transport is up: requests sent now actually reach the server. */
  boolean isReady() {
    return ready;
  }

  boolean responseReceived() {
    return responseReceived;
  }

  /** Client-side close; no {@link Handler#onClosed} follows. */
  void cancel(String reason) {
    if (!closed) {
      closed = true;
      requests.cancel(reason, null);
    }
  }

  private final class Observer implements ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> {
    @Override
    public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> requestStream) {
      requests = requestStream;
      requestStream.setOnReadyHandler(() -> ctx.execute(() -> {
        if (!closed && !ready) {
          ready = true;
          handler.onReady(AdsStream.this);
        }
      }));
    }

    @Override
    public void onNext(DiscoveryResponse response) {
      ctx.execute(() -> {
        if (!closed) {
          responseReceived = true;
          nonces.put(response.getTypeUrl(), response.getNonce());
          handler.onResponse(AdsStream.this, response);
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
          handler.onClosed(AdsStream.this, status);
        }
      });
    }
  }
}
