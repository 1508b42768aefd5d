package dev.meshwork.controlplane.internal.xds;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every xDS stream: which node it is, what was sent, what the node ACKed and what it
 * NACKed (with the client's own message). This is how an operator sees that a client rejected a
 * resource while it keeps running on its previous config.
 */
public final class ClientTracker implements DiscoveryServerCallbacks {
  private static final Logger log = LoggerFactory.getLogger(ClientTracker.class);
  private static final int NACK_HISTORY = 50;

  private final Clock clock;
  private final XdsEvents events;
  private final Map<Long, Stream> streams = new ConcurrentHashMap<>();
  // Requests whose resource names differ from the stream's previous request of that type. Keyed
  // by identity (weak keys): the server hands the same request object to createWatch right after.
  private final com.google.common.cache.Cache<DiscoveryRequest, Boolean> subscriptionChanges =
      com.google.common.cache.CacheBuilder.newBuilder().weakKeys().build();
  // NACK requests (SotW or delta) and the version they reject: the one last sent on that stream.
  private final com.google.common.cache.Cache<Object, String> rejections =
      com.google.common.cache.CacheBuilder.newBuilder().weakKeys().build();
  // Delta requests of streams that are not wildcard subscribers for that type (see isWildcard).
  private final com.google.common.cache.Cache<Object, Boolean> explicitOnly =
      com.google.common.cache.CacheBuilder.newBuilder().weakKeys().build();
  private final Deque<Nack> recentNacks = new ArrayDeque<>();

  public ClientTracker(Clock clock) {
    this(clock, XdsEvents.NONE);
  }

  /** A tracker that also reports responses, ACKs, NACKs and closed streams to {@code events}. */
  public ClientTracker(Clock clock, XdsEvents events) {
    this.clock = clock;
    this.events = events;
  }

  /** Number of open xDS streams. */
  public int connectedClients() {
    return streams.size();
  }

  /** Whether a stream is open. */
  public boolean isOpen(long streamId) {
    return streams.containsKey(streamId);
  }

  /**
   * State-of-the-world streams subscribed to {@code typeUrl} that have not ACKed {@code version}:
   * those a snapshot with that version will send a response to (SotW answers every subscriber of
   * a type whose version changed), now or on their next request. Delta streams are left out: they
   * are only sent what changed in the resources they track, which the caller learns from {@link
   * XdsEvents#responseSent}.
   */
  public List<Long> sotwSubscribers(String typeUrl, String version) {
    List<Long> out = new ArrayList<>();
    streams.forEach((id, s) -> {
      if (s.awaits(typeUrl, version)) {
        out.add(id);
      }
    });
    return out;
  }

  /** A rejected response as the client reported it. */
  public record Nack(String nodeId, String typeUrl, String rejectedVersion, String message, Instant at) {}

  /** Per-type view of one stream. */
  public record TypeStatus(List<String> resourceNames, String sentVersion, String ackedVersion, Nack lastNack) {}

  /** One connected client. */
  public record ClientView(long streamId, String nodeId, String cluster, String locality, Instant connectedAt,
      Map<String, TypeStatus> types) {}

  /** Connected clients, for the admin API. */
  public List<ClientView> clients() {
    List<ClientView> out = new ArrayList<>();
    streams.forEach((id, s) -> out.add(s.view(id)));
    out.sort(java.util.Comparator.comparing(ClientView::nodeId).thenComparing(ClientView::streamId));
    return out;
  }

  /** Most recent NACKs first, including those of clients that have gone. */
  public synchronized List<Nack> recentNacks() {
    return List.copyOf(recentNacks);
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    streams.put(streamId, new Stream(streamId, clock.instant()));
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    streams.remove(streamId);
    events.streamClosed(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    streams.remove(streamId);
    events.streamClosed(streamId);
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    Stream s = streams.computeIfAbsent(streamId, id -> new Stream(id, clock.instant()));
    String nack = request.hasErrorDetail() ? request.getErrorDetail().getMessage() : null;
    if (s.onRequest(request, request.getNode(), request.getTypeUrl(), request.getResourceNamesList(),
        request.getResponseNonce(), request.getVersionInfo(), nack)) {
      subscriptionChanges.put(request, Boolean.TRUE);
    }
  }

  /**
   * Whether this request changed its stream's subscription (names added or removed) rather than
   * only acknowledging. Such a request is answered even when nothing changed server side, so a
   * client learns at once that a name it added does not exist.
   */
  public boolean subscriptionChanged(DiscoveryRequest request) {
    return subscriptionChanges.asMap().remove(request) != null;
  }

  /**
   * The version a NACK request rejects (the last one sent on its stream), or null when the request
   * is no NACK of the latest response. The cache answers such a NACK only once the snapshot has
   * moved past that version: resending what was just rejected would loop as fast as the client
   * NACKs.
   */
  public String rejectedVersion(Object request) {
    return rejections.asMap().remove(request);
  }

  /**
   * Whether a delta request's stream subscribes to every resource of its type. java-control-plane
   * treats every ADS listener and cluster stream as wildcard, so a client that names what it needs
   * would be sent every listener and cluster in the mesh. The xDS spec: a stream is wildcard when
   * its first request subscribes no names, or when it subscribes "*" (until it unsubscribes "*").
   */
  public boolean deltaWildcard(Object request) {
    return explicitOnly.asMap().remove(request) == null;
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    Stream s = streams.computeIfAbsent(streamId, id -> new Stream(id, clock.instant()));
    s.delta = true;
    String nack = request.hasErrorDetail() ? request.getErrorDetail().getMessage() : null;
    s.onRequest(request, request.getNode(), request.getTypeUrl(), request.getResourceNamesSubscribeList(),
        request.getResponseNonce(), null, nack);
    // Only listener and cluster streams can be wildcard (MeshCache asks for nothing else), so an
    // RDS or EDS request, most of every push's ACKs, is not remembered.
    String type = request.getTypeUrl();
    if ((type.equals(Resources.V3.LISTENER_TYPE_URL) || type.equals(Resources.V3.CLUSTER_TYPE_URL))
        && !s.deltaWildcard(request)) {
      explicitOnly.put(request, Boolean.TRUE);
    }
  }

  @Override
  public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    Stream s = streams.get(streamId);
    if (s != null) {
      s.onResponse(response.getTypeUrl(), response.getNonce(), response.getVersionInfo());
    }
    events.responseSent(streamId, response.getTypeUrl(), response.getVersionInfo(), false);
  }

  @Override
  public void onV3StreamDeltaResponse(long streamId, DeltaDiscoveryRequest request, DeltaDiscoveryResponse response) {
    Stream s = streams.get(streamId);
    if (s != null) {
      s.onResponse(response.getTypeUrl(), response.getNonce(), response.getSystemVersionInfo());
    }
    events.responseSent(streamId, response.getTypeUrl(), response.getSystemVersionInfo(), true);
  }

  private synchronized void remember(Nack n) {
    recentNacks.addFirst(n);
    while (recentNacks.size() > NACK_HISTORY) {
      recentNacks.removeLast();
    }
  }

  /** State of one stream; requests on a stream arrive in order, the monitor covers admin reads. */
  private final class Stream {
    private final long id;
    private final Instant connectedAt;
    private Node node = Node.getDefaultInstance();
    private final Map<String, MutableType> types = new HashMap<>();
    private volatile boolean delta;

    Stream(long id, Instant connectedAt) {
      this.id = id;
      this.connectedAt = connectedAt;
    }

    /** A SotW stream that requested the type and has not ACKed that version of it. */
    synchronized boolean awaits(String typeUrl, String version) {
      MutableType t = types.get(typeUrl);
      return !delta && t != null && !version.equals(t.ackedVersion);
    }

    /** Records a request; returns whether its names differ from the previous request's. */
    synchronized boolean onRequest(Object request, Node n, String typeUrl, List<String> names, String nonce, String version, String nack) {
      if (n != null && !n.getId().isEmpty()) {
        node = n;
      }
      MutableType t = types.computeIfAbsent(typeUrl, k -> new MutableType());
      boolean changed = !new java.util.HashSet<>(names).equals(new java.util.HashSet<>(t.names));
      t.names = List.copyOf(names);
      if (nonce.isEmpty() || !nonce.equals(t.sentNonce)) {
        return changed; // initial request, or a stale nonce: neither ACK nor NACK of what we sent
      }
      if (nack != null) {
        t.lastNack = new Nack(node.getId(), typeUrl, t.sentVersion, nack, clock.instant());
        if (t.sentVersion != null) {
          rejections.put(request, t.sentVersion);
        }
        log.warn("xDS client {} NACKed {} version {}: {}", node.getId(), shortType(typeUrl), t.sentVersion, nack);
        remember(t.lastNack);
        events.nacked(id, typeUrl, t.sentVersion);
      } else {
        t.ackedVersion = version != null ? version : t.sentVersion;
        events.acked(id, typeUrl, t.ackedVersion);
      }
      return changed;
    }

    /** Tracks the wildcard state of a delta request's type on this stream; returns it. */
    synchronized boolean deltaWildcard(DeltaDiscoveryRequest r) {
      MutableType t = types.computeIfAbsent(r.getTypeUrl(), k -> new MutableType());
      if (t.wildcard == null) {
        t.wildcard = r.getResourceNamesSubscribeCount() == 0;
      }
      if (r.getResourceNamesSubscribeList().contains("*")) {
        t.wildcard = true;
      } else if (r.getResourceNamesUnsubscribeList().contains("*")) {
        t.wildcard = false;
      }
      return t.wildcard;
    }

    synchronized void onResponse(String typeUrl, String nonce, String version) {
      MutableType t = types.computeIfAbsent(typeUrl, k -> new MutableType());
      t.sentNonce = nonce;
      t.sentVersion = version;
    }

    synchronized ClientView view(long id) {
      Map<String, TypeStatus> m = new java.util.TreeMap<>();
      types.forEach((url, t) -> m.put(shortType(url), new TypeStatus(t.names, t.sentVersion, t.ackedVersion, t.lastNack)));
      String loc = node.getLocality().getRegion() + "/" + node.getLocality().getZone() + "/" + node.getLocality().getSubZone();
      return new ClientView(id, node.getId(), node.getCluster(), loc, connectedAt, m);
    }
  }

  private static final class MutableType {
    List<String> names = List.of();
    String sentNonce;
    String sentVersion;
    String ackedVersion;
    Nack lastNack;
    Boolean wildcard; // delta only; null until the type's first request
  }

  static String shortType(String typeUrl) {
    int i = typeUrl.lastIndexOf('.');
    return i < 0 ? typeUrl : typeUrl.substring(i + 1);
  }
}
