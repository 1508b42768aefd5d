package dev.meshwork.core.internal.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.SynchronizationContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's resource cache: type URL → name → {@link ResourceState}. Applies decoded responses
 * and persisted snapshots to it. Confined to the client's synchronization context.
 */
final class ResourceStore {
  private static final Logger log = LoggerFactory.getLogger(ResourceStore.class);

  private final Map<String, ResourceParser<?>> parsers;
  private final Executor watcherExecutor;
  private final SynchronizationContext ctx;
  private final ScheduledExecutorService scheduler;
  private final Duration doesNotExistTimeout;
  private final Map<String, Map<String, ResourceState>> states = new LinkedHashMap<>();
  // Types loaded from disk that no server has sent yet on any stream.
  private final Set<String> unconfirmedTypes = new HashSet<>();

  ResourceStore(XdsClientConfig config, SynchronizationContext ctx, ScheduledExecutorService scheduler) {
    this.parsers = config.parsers();
    this.watcherExecutor = config.watcherExecutor();
    this.doesNotExistTimeout = config.doesNotExistTimeout();
    this.ctx = ctx;
    this.scheduler = scheduler;
  }

  ResourceState getOrCreate(String typeUrl, String name) {
    return states.computeIfAbsent(typeUrl, k -> new LinkedHashMap<>())
        .computeIfAbsent(name, n -> new ResourceState(typeUrl, n));
  }

  ResourceState get(String typeUrl, String name) {
    return states.getOrDefault(typeUrl, Map.of()).get(name);
  }

  void remove(String typeUrl, String name) {
    states.getOrDefault(typeUrl, new LinkedHashMap<>()).remove(name);
  }

  Set<String> typeUrls() {
    return states.keySet();
  }

  Iterable<ResourceState> statesOf(String typeUrl) {
    return states.getOrDefault(typeUrl, Map.of()).values();
  }

  /** Names with at least one watcher, sorted so requests are deterministic. */
  List<String> subscribedNames(String typeUrl) {
    return states.getOrDefault(typeUrl, Map.of()).values().stream()
        .filter(ResourceState::subscribed).map(st -> st.name).sorted().toList();
  }

  void forEach(Consumer<ResourceState> action) {
    states.values().forEach(byName -> byName.values().forEach(action));
  }

  /**
   * Starts does-not-exist timers for the type's subscribed resources that have nothing yet. Only
   * called once the stream is ready: a server we cannot reach says nothing about existence.
   */
  void startTimers(String typeUrl) {
    for (ResourceState st : statesOf(typeUrl)) {
      if (st.needsTimer()) {
        st.setTimer(ctx.schedule(() -> onDoesNotExistTimeout(st), doesNotExistTimeout, scheduler));
      }
    }
  }

  private void onDoesNotExistTimeout(ResourceState st) {
    st.setTimer(null);
    // A cancelled watch or a closed client cancels the timer, but a run may already be queued.
    if (!st.subscribed() || st.hasData() || st.absent() || scheduler.isShutdown()) {
      return;
    }
    log.info("xDS {} {} not received within {}; treating it as nonexistent", st.typeUrl, st.name,
        doesNotExistTimeout);
    st.markAbsent(watcherExecutor);
  }

  /**
   * Applies one state-of-the-world response: valid resources replace old ones, invalid ones keep
   * theirs (watchers get an ambient error), and for LDS/CDS omitted ones are deleted.
   */
  ResponseDecoder.Result apply(ResourceParser<?> parser, List<Any> resources) {
    return applyParsed(parser, resources, Map.of(), TypeUrls.isFullState(parser.typeUrl()));
  }

  /**
   * Applies one delta response: as {@link #apply} for what it carries (remembering each
   * resource's version), omitted resources are unchanged, and {@code removed} ones are deleted.
   */
  ResponseDecoder.Result applyDelta(ResourceParser<?> parser, List<Resource> resources, List<String> removed) {
    List<Any> packed = new ArrayList<>(resources.size());
    Map<String, String> versions = new HashMap<>();
    for (Resource r : resources) {
      if (r.hasResource()) { // a Resource without one (on-demand "not found") carries nothing to apply
        packed.add(r.getResource());
        versions.put(r.getName(), r.getVersion());
      }
    }
    ResponseDecoder.Result result = applyParsed(parser, packed, versions, false);
    for (String name : removed) {
      ResourceState st = get(parser.typeUrl(), name);
      if (st != null && st.subscribed() && !st.absent()) {
        log.info("xDS {} {} removed by the control plane", parser.typeUrl(), name);
        st.markAbsent(watcherExecutor);
      }
    }
    return result;
  }

  private ResponseDecoder.Result applyParsed(ResourceParser<?> parser, List<Any> resources,
      Map<String, String> versions, boolean omittedMeansDeleted) {
    String typeUrl = parser.typeUrl();
    Map<String, ResourceState> byName = states.getOrDefault(typeUrl, Map.of());
    ResponseDecoder.Result result = ResponseDecoder.decode(parser, resources, Set.copyOf(subscribedNames(typeUrl)));
    result.valid().values().forEach(p ->
        byName.get(p.name()).update(p.proto(), p.raw(), p.value(), versions.get(p.name()), watcherExecutor));
    result.invalid().forEach((name, why) -> {
      ResourceState st = byName.get(name);
      st.cancelTimer(); // the server answered; waiting longer would not make the resource valid
      st.ambientError("xDS " + typeUrl + " " + name + " rejected: " + why, watcherExecutor);
    });
    // Without every resource's name we cannot tell an omitted resource from an unreadable one.
    if (omittedMeansDeleted && result.unnamed().isEmpty()) {
      for (ResourceState st : byName.values()) {
        if (st.subscribed() && !st.absent() && !result.valid().containsKey(st.name)
            && !result.invalid().containsKey(st.name)) {
          log.info("xDS {} {} removed by the control plane", typeUrl, st.name);
          st.markAbsent(watcherExecutor);
        }
      }
    }
    return result;
  }

  /** Subscribed resources' delta versions (what a new delta stream says we hold), by name. */
  Map<String, String> versions(String typeUrl) {
    Map<String, String> out = new TreeMap<>();
    for (ResourceState st : statesOf(typeUrl)) {
      if (st.subscribed() && st.hasData() && st.version() != null) {
        out.put(st.name, st.version());
      }
    }
    return out;
  }

  /**
   * Loads persisted resources as initial values (they parse again, so a parser that got stricter
   * skips them).
   *
   * @return when the loaded config was saved, or null when nothing was loaded
   */
  Instant loadFrom(SnapshotStore store, String target) {
    SnapshotFile.Snapshot snapshot = store.load().orElse(null);
    if (snapshot == null) {
      return null;
    }
    Path file = store.file();
    int loaded = 0;
    for (Map.Entry<String, Map<String, byte[]>> type : snapshot.resources().entrySet()) {
      String typeUrl = type.getKey();
      ResourceParser<?> parser = parsers.get(typeUrl);
      if (parser == null) {
        log.warn("Skipping persisted {} resources in {}: no parser configured", typeUrl, file);
        continue;
      }
      for (Map.Entry<String, byte[]> r : type.getValue().entrySet()) {
        try {
          ResponseDecoder.Parsed p = ResponseDecoder.decodeStored(parser, Any.parseFrom(r.getValue()));
          getOrCreate(typeUrl, p.name()).update(p.proto(), p.raw(), p.value(), null, watcherExecutor);
          unconfirmedTypes.add(typeUrl);
          loaded++;
        } catch (InvalidProtocolBufferException | InvalidResourceException e) {
          log.warn("Skipping persisted {} {} in {}: {}", typeUrl, r.getKey(), file, e.getMessage());
        }
      }
    }
    if (loaded == 0) {
      return null;
    }
    log.warn("Running on xDS config persisted at {} ({} resources from {}); control plane {} not confirmed yet",
        snapshot.savedAt(), loaded, file, target);
    return snapshot.savedAt();
  }

  /**
   * Records that a server sent this type, dropping its persisted-only resources nobody watches.
   *
   * @return true when this confirmed the last type loaded from disk
   */
  boolean confirm(String typeUrl) {
    if (!unconfirmedTypes.remove(typeUrl)) {
      return false;
    }
    states.getOrDefault(typeUrl, new LinkedHashMap<>()).values().removeIf(st -> !st.subscribed());
    return unconfirmedTypes.isEmpty();
  }

  /** Every accepted resource as persisted: type URL → name → serialized Any. */
  Map<String, Map<String, byte[]>> content() {
    Map<String, Map<String, byte[]>> content = new LinkedHashMap<>();
    forEach(st -> {
      Any raw = st.raw();
      if (raw != null) {
        content.computeIfAbsent(st.typeUrl, k -> new LinkedHashMap<>()).put(st.name, raw.toByteArray());
      }
    });
    return content;
  }
}
