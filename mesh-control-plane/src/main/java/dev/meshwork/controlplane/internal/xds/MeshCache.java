package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.WatchCancelledException;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The xDS cache behind java-control-plane's server. Written instead of using SimpleCache because
 * SimpleCache, in ADS mode, withholds a whole response when any requested name is missing from the
 * snapshot, and gRPC's client asks for listeners and clusters by name: one unknown service would
 * freeze every other update of that type. Here a response carries whatever requested resources
 * exist; the client's own does-not-exist timer handles the rest, as the xDS spec intends.
 *
 * <p>Watches are one-shot (the server opens a new one for every request, ACKs included). The
 * monitor guards the snapshot swap against watch registration so no update is missed.
 */
public final class MeshCache implements ConfigWatcher {
  // Insertion-ordered sets, not lists: every request cancels its stream's previous watch, which
  // is usually no longer here (answered by the last push), and a list scan per request made each
  // push O(clients^2) under the monitor. Watches compare by identity.
  private final Set<Watch> watches = new LinkedHashSet<>();
  private final Set<DeltaWatch> deltaWatches = new LinkedHashSet<>();
  // Watches opened by a NACK of the current version, with that version: answered only once their
  // type's version differs from it (guarded by the monitor).
  private final Map<Object, String> rejected = new java.util.IdentityHashMap<>();
  private volatile XdsSnapshot snapshot;
  private final java.util.function.Predicate<io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest> subscriptionChanged;
  private final java.util.function.Function<Object, String> rejectedVersion;
  private final java.util.function.Predicate<Object> deltaWildcard;

  public MeshCache(XdsSnapshot initial) {
    this(initial, r -> false, r -> null, r -> true);
  }

  /**
   * @param initial the first snapshot, or null to answer nothing until {@link #setSnapshot}
   * @param subscriptionChanged whether a request changed its stream's names (see {@link
   *     ClientTracker#subscriptionChanged}); such requests are always answered
   * @param rejectedVersion the version a NACK request rejects, else null (see {@link
   *     ClientTracker#rejectedVersion})
   * @param deltaWildcard whether a delta request's stream subscribes to every resource of its type
   *     (see {@link ClientTracker#deltaWildcard})
   */
  public MeshCache(XdsSnapshot initial,
      java.util.function.Predicate<io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest> subscriptionChanged,
      java.util.function.Function<Object, String> rejectedVersion,
      java.util.function.Predicate<Object> deltaWildcard) {
    this.snapshot = initial;
    this.subscriptionChanged = subscriptionChanged;
    this.rejectedVersion = rejectedVersion;
    this.deltaWildcard = deltaWildcard;
  }

  public XdsSnapshot snapshot() {
    return snapshot;
  }

  /** Publishes a new snapshot and answers every waiting watch whose type changed. */
  public void setSnapshot(XdsSnapshot next) {
    List<Runnable> sends = new ArrayList<>();
    synchronized (this) {
      snapshot = next;
      // Envoy's order: clusters before endpoints, listeners before routes.
      for (ResourceType t : Resources.RESOURCE_TYPES_IN_ORDER) {
        for (var it = watches.iterator(); it.hasNext(); ) {
          Watch w = it.next();
          if (w.isCancelled()) {
            it.remove();
            rejected.remove(w);
          } else if (w.request().getResourceType() == t
              && !w.request().getVersionInfo().equals(next.type(t).version())
              && !next.type(t).version().equals(rejected.get(w))) {
            it.remove();
            rejected.remove(w);
            sends.add(() -> respond(w, next));
          }
        }
        for (var it = deltaWatches.iterator(); it.hasNext(); ) {
          DeltaWatch w = it.next();
          if (w.isCancelled()) {
            it.remove();
            rejected.remove(w);
          } else if (w.request().getResourceType() == t && !next.type(t).version().equals(rejected.get(w))) {
            DeltaResponse r = deltaResponse(w, next);
            if (r != null) {
              it.remove();
              rejected.remove(w);
              sends.add(() -> send(w, r));
            }
          }
        }
      }
    }
    sends.forEach(Runnable::run);
  }

  @Override
  public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
      Consumer<Response> responseConsumer, boolean hasClusterChanged, boolean allowDefaultEmptyEdsUpdate) {
    Watch watch = new Watch(ads, allowDefaultEmptyEdsUpdate, request, responseConsumer);
    XdsSnapshot snap;
    synchronized (this) {
      snap = snapshot;
      if (snap == null) { // not serving yet (registry warm-up): clients keep what they have
        watches.add(watch);
        watch.setStop(() -> remove(watch));
        return watch;
      }
      ResourceType type = request.getResourceType();
      XdsSnapshot.TypeState state = snap.type(type);
      // A changed subscription is answered (absent names tell LDS/CDS clients "does not exist").
      // Otherwise only names we can answer count as new: an ACK that lists a missing name needs no
      // reply until the snapshot changes (answering it would loop as fast as the client ACKs).
      boolean newNames = subscriptionChanged.test(request.v3Request());
      for (String n : request.getResourceNamesList()) {
        if (newNames) {
          break;
        }
        if (!knownResourceNames.contains(n) && lookup(type, n, state) != null) {
          newNames = true;
          break;
        }
      }
      // A NACK carries the last accepted version, which differs from ours; answering it again with
      // the same rejected resources would loop. Wait for a snapshot past the rejected version.
      String nacked = request.hasErrorDetail() ? rejectedVersion.apply(request.v3Request()) : null;
      boolean stale = !request.getVersionInfo().equals(state.version())
          && (!request.hasErrorDetail() || (nacked != null && !nacked.equals(state.version())));
      boolean rewarm = hasClusterChanged && type == ResourceType.ENDPOINT;
      if (!stale && !newNames && !rewarm) {
        if (request.hasErrorDetail()) {
          rejected.put(watch, nacked != null ? nacked : state.version());
        }
        watches.add(watch);
        watch.setStop(() -> remove(watch));
        return watch;
      }
    }
    respond(watch, snap);
    return watch;
  }

  @Override
  public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion,
      Map<String, String> resourceVersions, Set<String> pendingResources, boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
    DeltaWatch watch = new DeltaWatch(request, Map.copyOf(resourceVersions), Set.copyOf(pendingResources),
        requesterVersion, isWildcard && deltaWildcard.test(request.v3Request()), responseConsumer);
    DeltaResponse response;
    // A NACK of the current version that subscribes nothing new waits for the next version (the
    // server still tracks the rejected resources at their previous versions, so answering now
    // would resend them and loop).
    String nacked = request.v3Request().hasErrorDetail() ? rejectedVersion.apply(request.v3Request()) : null;
    synchronized (this) {
      boolean nackOfCurrent = snapshot != null && nacked != null
          && nacked.equals(snapshot.type(request.getResourceType()).version())
          && request.v3Request().getResourceNamesSubscribeCount() == 0;
      response = snapshot == null || nackOfCurrent ? null : deltaResponse(watch, snapshot);
      if (response == null) {
        if (nackOfCurrent) {
          rejected.put(watch, nacked);
        }
        deltaWatches.add(watch);
        watch.setStop(() -> remove(watch));
        return watch;
      }
    }
    send(watch, response);
    return watch;
  }

  private synchronized void remove(Object watch) {
    watches.remove(watch);
    deltaWatches.remove(watch);
    rejected.remove(watch);
  }

  private static void respond(Watch watch, XdsSnapshot snap) {
    XdsSnapshot.TypeState state = snap.type(watch.request().getResourceType());
    List<String> names = watch.request().getResourceNamesList();
    List<Message> out = new ArrayList<>();
    if (names.isEmpty()) {
      out.addAll(state.resources().values());
    } else {
      for (String n : new java.util.TreeSet<>(names)) {
        Message m = lookup(watch.request().getResourceType(), n, state);
        if (m != null) {
          out.add(m);
        }
      }
    }
    try {
      watch.respond(Response.create(watch.request(), out, state.version()));
    } catch (WatchCancelledException ignored) {
      // stream went away; nothing to answer
    }
  }

  /** A resource by name: listed in the snapshot, or (listeners) made on request. */
  private static Message lookup(ResourceType type, String name, XdsSnapshot.TypeState state) {
    Message m = state.resources().get(name);
    if (m == null && type == ResourceType.LISTENER) {
      m = ListenerAliases.resolve(name, state.resources(), state.serverPolicies());
    }
    return m;
  }

  /** Delta: send what the client lacks or has at another version; null when nothing changed for it. */
  private static DeltaResponse deltaResponse(DeltaWatch w, XdsSnapshot snap) {
    XdsSnapshot.TypeState state = snap.type(w.request().getResourceType());
    Set<String> subscribed = new HashSet<>(w.trackedResources().keySet());
    subscribed.addAll(w.pendingResources());
    if (w.isWildcard()) {
      subscribed.addAll(state.resources().keySet());
    }
    subscribed.remove("*");
    Map<String, VersionedResource<?>> changed = new LinkedHashMap<>();
    List<String> removed = new ArrayList<>();
    // A listener or cluster this request newly subscribes to that does not exist is listed as
    // removed: delta's way to say "does not exist", as an LDS/CDS SotW response says by omission,
    // so a client need not wait for its timeout (e.g. on its first call to a host outside the mesh).
    // Only the request's own new names: the server keeps them pending, and repeating them on every
    // watch would loop.
    ResourceType type = w.request().getResourceType();
    Set<String> announceMissing = type == ResourceType.LISTENER || type == ResourceType.CLUSTER
        ? Set.copyOf(w.request().getResourceNamesSubscribeList()) : Set.of();
    for (String name : subscribed) {
      Message m = lookup(w.request().getResourceType(), name, state);
      String have = w.trackedResources().get(name);
      if (m == null) {
        if (have != null || announceMissing.contains(name)) {
          removed.add(name);
        }
      } else {
        String version = state.versions().get(name);
        if (version == null) { // an alias or server listener: made on request, versioned by content
          version = Integer.toHexString(m.hashCode());
        }
        if (!version.equals(have)) {
          changed.put(name, VersionedResource.create(m, version));
        }
      }
    }
    if (changed.isEmpty() && removed.isEmpty()) {
      return null;
    }
    return DeltaResponse.create(w.request(), changed, removed, state.version());
  }

  private static void send(DeltaWatch w, DeltaResponse r) {
    try {
      w.respond(r);
    } catch (WatchCancelledException ignored) {
      // stream went away
    }
  }
}
