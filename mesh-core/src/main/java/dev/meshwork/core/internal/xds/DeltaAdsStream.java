package dev.meshwork.core.internal.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Channel;
import io.grpc.SynchronizationContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One incremental ADS call ({@code DeltaAggregatedResources}, Envoy's "Incremental xDS"): requests
 * carry subscription changes, and (N)ACKs only the nonce they answer. Confined to the client's
 * context. The server remembers the subscription per stream, so this tracks what it was told.
 */
final class DeltaAdsStream extends XdsStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse> {
  // Names the server has been told we subscribe to, per type, on this stream.
  private final Map<String, TreeSet<String>> subscribed = new HashMap<>();
  // Resources the server sent although we had not subscribed to them, per type. Servers may treat
  // LDS/CDS as wildcard (java-control-plane's ADS always does): they then count these as delivered
  // and will not send them again when we do subscribe, so they are kept until then.
  private final Map<String, Map<String, Resource>> unrequested = new HashMap<>();

  DeltaAdsStream(Channel channel, SynchronizationContext ctx, Node node, Handler handler) {
    super(ctx, node, handler);
    AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(observer());
  }

  /**
   * Brings the server's view of the type's subscription to {@code names}: the type's first request
   * on this stream subscribes them all and carries {@code initialVersions} (what we already hold,
   * so the server need not resend it); later ones subscribe and unsubscribe the difference.
   *
   * @return false when nothing needed sending
   */
  boolean subscribe(String typeUrl, Collection<String> names, Map<String, String> initialVersions) {
    if (isClosed()) {
      return false;
    }
    TreeSet<String> told = subscribed.get(typeUrl);
    DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder().setTypeUrl(typeUrl);
    if (told == null) {
      if (names.isEmpty()) {
        return false; // an empty first request would be a wildcard subscription for LDS/CDS
      }
      request.addAllResourceNamesSubscribe(new TreeSet<>(names)).putAllInitialResourceVersions(initialVersions);
    } else {
      TreeSet<String> added = new TreeSet<>(names);
      added.removeAll(told);
      TreeSet<String> removed = new TreeSet<>(told);
      removed.removeAll(names);
      if (added.isEmpty() && removed.isEmpty()) {
        return false;
      }
      request.addAllResourceNamesSubscribe(added).addAllResourceNamesUnsubscribe(removed);
    }
    subscribed.put(typeUrl, new TreeSet<>(names));
    send(request);
    return true;
  }

  /** Whether a request of this type went out on this stream. */
  boolean hasRequested(String typeUrl) {
    return subscribed.containsKey(typeUrl);
  }

  /**
   * ACKs ({@code errorDetail} null) or NACKs the response with {@code nonce}. Subscription changes
   * never carry a nonce, so each response is answered exactly once.
   */
  void ack(String typeUrl, String nonce, String errorDetail) {
    if (isClosed()) {
      return;
    }
    DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(typeUrl)
        .setResponseNonce(nonce);
    if (errorDetail != null) {
      request.setErrorDetail(XdsStream.nackStatus(errorDetail));
    }
    send(request);
  }

  /** Keeps the response's resources we do not subscribe to, and forgets removed ones. */
  void keepUnrequested(String typeUrl, List<Resource> resources, List<String> removed, Collection<String> names) {
    Map<String, Resource> kept = unrequested.computeIfAbsent(typeUrl, k -> new HashMap<>());
    for (Resource r : resources) {
      if (!names.contains(r.getName()) && r.hasResource()) {
        kept.put(r.getName(), r);
      } else {
        kept.remove(r.getName());
      }
    }
    removed.forEach(kept::remove);
  }

  /** Takes the kept resources among {@code names}: the server considers them delivered. */
  List<Resource> takeUnrequested(String typeUrl, Collection<String> names) {
    Map<String, Resource> kept = unrequested.getOrDefault(typeUrl, Map.of());
    List<Resource> out = new ArrayList<>();
    for (String name : names) {
      Resource r = kept.isEmpty() ? null : kept.remove(name);
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  void deliver(DeltaDiscoveryResponse response) {
    handler.onDeltaResponse(this, response);
  }

  private void send(DeltaDiscoveryRequest.Builder request) {
    Node node = nodeOnce();
    if (node != null) {
      request.setNode(node);
    }
    write(request.build());
  }
}
