package dev.meshwork.core.internal.xds;

import dev.meshwork.core.MeshSettings;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.grpc.SynchronizationContext.ScheduledHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mesh-core's xDS client: one ADS stream (Envoy xDS v3) to {@link MeshSettings#controlPlane()},
 * shared by every watcher.
 *
 * <p><b>Protocol.</b> The client first opens incremental ADS ({@code DeltaAggregatedResources}:
 * subscription changes, per-resource versions, {@code removed_resources}); a server answering
 * {@code UNIMPLEMENTED} gets state of the world ({@code StreamAggregatedResources}) for the rest of
 * the client's life. Both apply responses through the same parsers and {@link ResourceStore}.
 *
 * <p><b>Threading.</b> All state is confined to one gRPC {@link SynchronizationContext}; public
 * methods hop onto it and never block on it, so they are safe from any thread, including from
 * watcher callbacks. Watchers are called on {@link XdsClientConfig#watcherExecutor()}.
 *
 * <p><b>Errors.</b> Invalid resources are NACKed (previous version, {@code INVALID_ARGUMENT},
 * "name: reason" per resource) and never replace a good value; their watchers get
 * {@link ResourceWatcher#onAmbientError}. A broken stream is an ambient error too; the client
 * reconnects with {@link XdsClientConfig#backoff()} and resubscribes with the last accepted
 * versions. A subscribed resource is reported nonexistent when an LDS/CDS state-of-the-world
 * response omits it, a delta response lists it in {@code removed_resources}, or when nothing
 * arrives within {@link XdsClientConfig#doesNotExistTimeout()} on a live stream.
 *
 * <p><b>Static stability.</b> With {@link XdsClientConfig#persistDir()} set, accepted resources
 * are written to {@code xds-<service>.snapshot} there (see {@link SnapshotFile} for the format)
 * and served on the next start before the control plane answers; {@link #staleSince()} tells how
 * old that config is until the control plane has sent every persisted type. The file is keyed by
 * service, not instance id, because instance ids are generated per process by default.
 */
public final class XdsClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(XdsClient.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final XdsClientConfig config;
  private final String target;
  private final Node node;
  private final SynchronizationContext ctx =
      new SynchronizationContext((t, e) -> log.error("Bug in the xDS client: uncaught exception", e));
  private final ScheduledExecutorService scheduler;
  private final NamedScheduler ownedScheduler; // null when the scheduler was injected
  private final ManagedChannel channel;
  private final SnapshotStore store;
  private final XdsStream.Handler events = new StreamEvents();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Instant staleSince;
  private final XdsMetrics metrics;
  /** Set when the stream is ready and on each response, cleared when it closes. */
  private volatile boolean connected;
  /** When a stream that had been up went down ({@link System#nanoTime}); {@link #NEVER} while up or never up. */
  private volatile long downSince = NEVER;
  /** {@link #downSince} when there is no stream to have lost. */
  public static final long NEVER = Long.MIN_VALUE;
  /** The last NACK per type URL, removed when a later response of that type is accepted. */
  private final Map<String, Nack> lastNacks = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A rejected response, for monitoring.
   *
   * @param version the version (SotW) or system version (delta) that was rejected
   * @param detail the error detail sent back to the control plane
   * @param at when it was rejected
   */
  public record Nack(String version, String detail, Instant at) {}

  // Confined to ctx.
  private final ResourceStore resources;
  private final Map<String, String> ackedVersions = new HashMap<>(); // SotW only; kept across streams
  private XdsStream<?, ?> stream;
  private boolean stateOfTheWorld; // the server answered UNIMPLEMENTED to delta: SotW from then on
  private boolean deltaLogged;
  private Instant streamStartedAt;
  private ScheduledHandle retryTimer;
  private int failedAttempts;
  private boolean started;

  public XdsClient(XdsClientConfig config) {
    this(config, XdsMetrics.NONE);
  }

  /** A client counting ACKs, NACKs and connection state in {@code metrics}. */
  public XdsClient(XdsClientConfig config, XdsMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.config = Objects.requireNonNull(config, "config");
    MeshSettings s = config.settings();
    this.target = s.controlPlane();
    this.node = XdsNode.of(s);
    ownedScheduler = config.scheduler() == null ? new NamedScheduler("meshwork-xds-" + s.instanceId()) : null;
    scheduler = ownedScheduler == null ? config.scheduler() : ownedScheduler.executor();
    channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
        .userAgent(XdsNode.USER_AGENT)
        .build();
    resources = new ResourceStore(config, ctx, scheduler);
    store = config.persistDir() == null ? null
        : new SnapshotStore(SnapshotFile.pathFor(config.persistDir(), s.service()), config.clock(), scheduler);
  }

  /** Loads persisted config (if enabled) and opens the ADS stream; the first watch does it too. */
  public void start() {
    ctx.execute(this::ensureStarted);
  }

  /**
   * Subscribes {@code watcher} to one resource; it gets the cached value (or does-not-exist)
   * right away when one is known. The caller guarantees {@code T} matches the type's parser.
   *
   * @throws IllegalArgumentException when no parser is configured for {@code typeUrl}
   */
  public <T> void watch(String typeUrl, String name, ResourceWatcher<T> watcher) {
    ResourceWatcher<Object> w = checkArgs(typeUrl, name, watcher);
    ctx.execute(() -> {
      if (closed.get()) {
        return;
      }
      ensureStarted();
      ResourceState st = resources.getOrCreate(typeUrl, name);
      boolean wasSubscribed = st.subscribed();
      if (st.addWatcher(w, config.watcherExecutor()) && !wasSubscribed) {
        sendSubscription(typeUrl);
      }
    });
  }

  /** Removes a watcher; the last one for a resource unsubscribes it on the stream. */
  public <T> void cancelWatch(String typeUrl, String name, ResourceWatcher<T> watcher) {
    ResourceWatcher<Object> w = checkArgs(typeUrl, name, watcher);
    ctx.execute(() -> {
      ResourceState st = resources.get(typeUrl, name);
      if (st == null || !st.removeWatcher(w) || st.subscribed()) {
        return;
      }
      st.cancelTimer();
      resources.remove(typeUrl, name);
      sendSubscription(typeUrl);
    });
  }

  /** Whether the ADS stream to the control plane is open (ready or answered). */
  public boolean connected() {
    return connected;
  }

  /**
   * Since when ({@link System#nanoTime}) a stream that had been up is down, or {@link #NEVER}
   * (up, or never up): a name subscribed to meanwhile gets no answer until the stream is back.
   */
  public long downSince() {
    return downSince;
  }

  /**
   * {@code deadline}, or earlier when no answer can come by then: once a stream that had been up
   * is down, a waiter gives it {@link #RECONNECT_GRACE_NANOS} to come back (as when a control
   * plane rotates its streams), not the whole deadline.
   */
  public long answerDeadline(long deadline) {
    long down = downSince;
    return connected || down == NEVER ? deadline : Math.min(deadline, down + RECONNECT_GRACE_NANOS);
  }

  /** How long a lookup still waits after the stream went down. */
  private static final long RECONNECT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** One place for the connection state: the field read by monitoring and the gauge. */
  private void setConnected(boolean up) {
    if (up) {
      downSince = NEVER;
    } else if (connected) {
      downSince = System.nanoTime();
    }
    connected = up;
    metrics.connected(up);
  }

  /** The last NACK per type URL that no later accepted response of the type superseded. */
  public Map<String, Nack> lastNacks() {
    return Map.copyOf(lastNacks);
  }

  private void recordOutcome(String typeUrl, boolean accepted, String version, String detail) {
    if (accepted) {
      lastNacks.remove(typeUrl);
    } else {
      lastNacks.put(typeUrl, new Nack(version, String.valueOf(detail), config.clock().instant()));
    }
  }

  /** When the persisted config in use was saved; empty once the control plane has confirmed it. */
  public Optional<Instant> staleSince() {
    return Optional.ofNullable(staleSince);
  }

  /**
   * Stops the stream, timers, the channel and (if owned) the scheduler thread, waiting up to 5 s
   * for the thread and the channel to end, and writes a pending snapshot. Idempotent; watches
   * after close are ignored.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ctx.execute(() -> {
      // Timers and retries check closed too; cancelling just frees them early.
      if (retryTimer != null) {
        retryTimer.cancel();
      }
      resources.forEach(ResourceState::cancelTimer);
      if (stream != null) {
        stream.cancel("xDS client closed");
        stream = null;
      }
    });
    channel.shutdownNow();
    if (store != null) {
      store.flush(); // a write still queued on the scheduler would be dropped below
    }
    try {
      if (ownedScheduler != null) {
        ownedScheduler.shutdown(CLOSE_WAIT);
      }
      channel.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("xDS client for {} closed", target);
  }

  @SuppressWarnings("unchecked")
  private ResourceWatcher<Object> checkArgs(String typeUrl, String name, ResourceWatcher<?> watcher) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(watcher, "watcher");
    if (!config.parsers().containsKey(typeUrl)) {
      throw new IllegalArgumentException("typeUrl: " + typeUrl + " (expected one of: " + config.parsers().keySet() + ")");
    }
    return (ResourceWatcher<Object>) watcher;
  }

  private void ensureStarted() {
    if (started || closed.get()) {
      return;
    }
    started = true;
    if (store != null) {
      staleSince = resources.loadFrom(store, target);
    }
    openStream();
  }

  private void openStream() {
    retryTimer = null;
    if (closed.get() || stream != null) {
      return;
    }
    streamStartedAt = config.clock().instant();
    stream = stateOfTheWorld ? new AdsStream(channel, ctx, node, events)
        : new DeltaAdsStream(channel, ctx, node, events);
    log.debug("{} ADS stream to {} opened", stateOfTheWorld ? "State-of-the-world" : "Delta", target);
    for (String typeUrl : List.copyOf(resources.typeUrls())) {
      sendSubscription(typeUrl);
    }
  }

  /**
   * Tells the server the type's subscription (SotW: the full list; delta: what changed, with the
   * versions we hold on a new stream); a stream in backoff sends it when it reopens.
   */
  private void sendSubscription(String typeUrl) {
    List<String> names = resources.subscribedNames(typeUrl);
    if (stream instanceof DeltaAdsStream delta) {
      boolean sent = delta.subscribe(typeUrl, names, resources.versions(typeUrl));
      applyUnrequested(delta, typeUrl, names);
      if (!sent) {
        return;
      }
    } else if (stream instanceof AdsStream sotw) {
      if (names.isEmpty() && !sotw.hasRequested(typeUrl)) {
        return; // an empty first request would be a wildcard subscription for LDS/CDS
      }
      sotw.send(typeUrl, names, ackedVersions.getOrDefault(typeUrl, ""), null);
    } else {
      return;
    }
    if (stream.isReady()) {
      resources.startTimers(typeUrl);
    }
  }

  private void handleResponse(AdsStream s, DiscoveryResponse response) {
    failedAttempts = 0; // the stream works: the next failure starts the backoff sequence afresh
    String typeUrl = response.getTypeUrl();
    ResourceParser<?> parser = config.parsers().get(typeUrl);
    if (parser == null) {
      log.warn("Ignoring xDS response of unrequested type {} from {}", typeUrl, target);
      return;
    }
    ResponseDecoder.Result result = resources.apply(parser, response.getResourcesList());
    String version = result.accepted() ? response.getVersionInfo() : ackedVersions.getOrDefault(typeUrl, "");
    setConnected(true);
    if (result.accepted()) {
      metrics.ack(typeUrl);
      ackedVersions.put(typeUrl, version);
      log.debug("ACK {} version {} nonce {}", typeUrl, version, response.getNonce());
    } else {
      metrics.nack(typeUrl);
      log.warn("NACK {} version {} (keeping version '{}'): {}", typeUrl, response.getVersionInfo(), version,
          result.errorDetail());
    }
    recordOutcome(typeUrl, result.accepted(), response.getVersionInfo(), result.errorDetail());
    afterApply(typeUrl);
    // Last, so whoever sees the ACK/NACK can rely on every local effect of the response being done.
    s.send(typeUrl, resources.subscribedNames(typeUrl), version, result.accepted() ? null : result.errorDetail());
  }

  private void handleDeltaResponse(DeltaAdsStream s, DeltaDiscoveryResponse response) {
    failedAttempts = 0;
    if (!deltaLogged) {
      deltaLogged = true;
      log.info("xDS client {} of {} receives config from {} over delta (incremental) ADS", node.getId(),
          node.getCluster(), target);
    }
    String typeUrl = response.getTypeUrl();
    ResourceParser<?> parser = config.parsers().get(typeUrl);
    if (parser == null) {
      log.warn("Ignoring xDS response of unrequested type {} from {}", typeUrl, target);
      return;
    }
    s.keepUnrequested(typeUrl, response.getResourcesList(), response.getRemovedResourcesList(),
        Set.copyOf(resources.subscribedNames(typeUrl)));
    ResponseDecoder.Result result =
        resources.applyDelta(parser, response.getResourcesList(), response.getRemovedResourcesList());
    setConnected(true);
    if (result.accepted()) {
      metrics.ack(typeUrl);
      log.debug("ACK {} delta {} nonce {}", typeUrl, response.getSystemVersionInfo(), response.getNonce());
    } else {
      metrics.nack(typeUrl);
      log.warn("NACK {} delta {} nonce {} (keeping the previous resources): {}", typeUrl,
          response.getSystemVersionInfo(), response.getNonce(), result.errorDetail());
    }
    recordOutcome(typeUrl, result.accepted(), response.getSystemVersionInfo(), result.errorDetail());
    afterApply(typeUrl);
    s.ack(typeUrl, response.getNonce(), result.accepted() ? null : result.errorDetail());
  }

  /**
   * Applies resources a (wildcard-minded) server sent on this stream before we subscribed to them;
   * it will not send them again. Already ACKed, so a rejected one can only be logged.
   */
  private void applyUnrequested(DeltaAdsStream s, String typeUrl, List<String> names) {
    ResourceParser<?> parser = config.parsers().get(typeUrl);
    List<io.envoyproxy.envoy.service.discovery.v3.Resource> kept = s.takeUnrequested(typeUrl, names);
    if (kept.isEmpty() || parser == null) {
      return;
    }
    ResponseDecoder.Result result = resources.applyDelta(parser, kept, List.of());
    if (!result.accepted()) {
      log.warn("Rejected {} resources received from {} before they were subscribed (already ACKed): {}", typeUrl,
          target, result.errorDetail());
    }
    afterApply(typeUrl);
  }

  /** What every applied response does, whichever the protocol: confirm persisted config, persist. */
  private void afterApply(String typeUrl) {
    if (resources.confirm(typeUrl) && staleSince != null) {
      log.info("Control plane {} confirmed the xDS config; no longer running on config persisted at {}",
          target, staleSince);
      staleSince = null;
    }
    if (store != null) {
      store.save(resources.content()); // after a NACK too: its valid resources were accepted
    }
  }

  private void handleClosed(XdsStream<?, ?> s, Status status) {
    stream = null;
    setConnected(false);
    resources.forEach(ResourceState::cancelTimer);
    if (closed.get()) {
      return;
    }
    if (s instanceof DeltaAdsStream && status.getCode() == Status.Code.UNIMPLEMENTED && !s.responseReceived()) {
      stateOfTheWorld = true;
      log.info("Control plane {} does not offer delta xDS ({}); using state-of-the-world ADS", target,
          status.getDescription());
      openStream(); // not a failure: no backoff, no ambient error
      return;
    }
    failedAttempts++;
    long elapsed = Duration.between(streamStartedAt, config.clock().instant()).toMillis();
    // A stream that lived longer than the backoff interval may reconnect at once (as gRPC does).
    long delay = Math.max(0, config.backoff().apply(failedAttempts) - elapsed);
    String what = "xDS stream to " + target + (status.isOk() ? " closed by the server"
        : " failed: " + status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()));
    if (status.isOk() && s.responseReceived()) {
      log.info("{}; reconnecting in {} ms", what, delay); // e.g. the server rotating connections
    } else {
      log.warn("{}; reconnecting in {} ms", what, delay);
      resources.forEach(st -> st.ambientError(what, config.watcherExecutor()));
    }
    try {
      retryTimer = ctx.schedule(this::openStream, delay, TimeUnit.MILLISECONDS, scheduler);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("not reconnecting to {}: the client is shutting down", target);
    }
  }

  /** Stream events, ignored once they come from a stream that is no longer current. */
  private final class StreamEvents implements AdsStream.Handler {
    @Override
    public void onReady(XdsStream<?, ?> s) {
      if (s == stream) {
        setConnected(true); // the transport is up (a client with no subscription gets no response)
        resources.typeUrls().forEach(resources::startTimers);
      }
    }

    @Override
    public void onResponse(AdsStream s, DiscoveryResponse response) {
      if (s == stream) {
        handleResponse(s, response);
      }
    }

    @Override
    public void onDeltaResponse(DeltaAdsStream s, DeltaDiscoveryResponse response) {
      if (s == stream) {
        handleDeltaResponse(s, response);
      }
    }

    @Override
    public void onClosed(XdsStream<?, ?> s, Status status) {
      if (s == stream) {
        handleClosed(s, status);
      }
    }
  }
}
