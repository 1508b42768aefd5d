package dev.meshwork.core.internal.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.SynchronizationContext;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One state-of-the-world ADS call ({@code StreamAggregatedResources}): every request of a type
 * lists all its subscribed names and the last accepted version. Confined to the client's context.
 */
final class AdsStream extends XdsStream<DiscoveryRequest, DiscoveryResponse> {
  // Nonce of the latest response per type on this stream; echoed in every later request of that type.
  private final Map<String, String> nonces = new HashMap<>();
  private final Set<String> requestedTypes = new HashSet<>();

  AdsStream(Channel channel, SynchronizationContext ctx, Node node, Handler handler) {
    super(ctx, node, handler);
    AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(observer());
  }

  /**
   * Sends a request for {@code typeUrl} naming every subscribed resource (state of the world).
   *
   * @param version the last accepted version of the type ("" when none)
   * @param errorDetail null for a subscription or ACK; the rejection reason for a NACK
   */
  void send(String typeUrl, Collection<String> names, String version, String errorDetail) {
    if (isClosed()) {
      return;
    }
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
        .setTypeUrl(typeUrl)
        .addAllResourceNames(names)
        .setVersionInfo(version)
        .setResponseNonce(nonces.getOrDefault(typeUrl, ""));
    Node node = nodeOnce();
    if (node != null) {
      request.setNode(node);
    }
    if (errorDetail != null) {
      request.setErrorDetail(XdsStream.nackStatus(errorDetail));
    }
    requestedTypes.add(typeUrl);
    write(request.build());
  }

  /** Whether a request of this type went out on this stream (an empty one then means "none"). */
  boolean hasRequested(String typeUrl) {
    return requestedTypes.contains(typeUrl);
  }

  @Override
  void deliver(DiscoveryResponse response) {
    nonces.put(response.getTypeUrl(), response.getNonce());
    handler.onResponse(this, response);
  }
}
