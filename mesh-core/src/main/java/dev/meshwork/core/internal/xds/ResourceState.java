package dev.meshwork.core.internal.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.grpc.SynchronizationContext.ScheduledHandle;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the client knows about one resource (type + name) and who watches it. Confined to the
 * client's synchronization context. A state without watchers exists only while it holds data
 * loaded from disk that the control plane has not confirmed yet.
 */
final class ResourceState {
  private static final Logger log = LoggerFactory.getLogger(ResourceState.class);

  final String typeUrl;
  final String name;
  private final Set<ResourceWatcher<Object>> watchers = new LinkedHashSet<>();
  private Message proto;
  private Any raw;
  private Object value;
  private String version; // the server's per-resource version (delta xDS only); null when unknown
  private boolean absent;
  private ScheduledHandle doesNotExistTimer;

  ResourceState(String typeUrl, String name) {
    this.typeUrl = typeUrl;
    this.name = name;
  }

  boolean subscribed() {
    return !watchers.isEmpty();
  }

  boolean hasData() {
    return value != null;
  }

  boolean absent() {
    return absent;
  }

  /** The accepted resource as received, for persistence; null without data. */
  Any raw() {
    return raw;
  }

  /** The per-resource version the data arrived with over delta xDS; null when unknown. */
  String version() {
    return version;
  }

  /** Adds a watcher and replays what is known to it; false if it was already watching. */
  boolean addWatcher(ResourceWatcher<Object> watcher, Executor executor) {
    if (!watchers.add(watcher)) {
      return false;
    }
    if (value != null) {
      Object v = value;
      deliver(executor, List.of(watcher), w -> w.onChanged(v), "onChanged");
    } else if (absent) {
      deliver(executor, List.of(watcher), w -> w.onDoesNotExist(name), "onDoesNotExist");
    }
    return true;
  }

  boolean removeWatcher(ResourceWatcher<Object> watcher) {
    return watchers.remove(watcher);
  }

  /**
   * Accepts a valid value and notifies watchers when the proto differs from the previous one
   * (proto equality, so a server resending the same resource causes no churn).
   */
  void update(Message newProto, Any newRaw, Object newValue, String newVersion, Executor executor) {
    cancelTimer();
    absent = false;
    raw = newRaw;
    version = newVersion;
    if (newProto.equals(proto)) {
      return;
    }
    proto = newProto;
    value = newValue;
    deliver(executor, List.copyOf(watchers), w -> w.onChanged(newValue), "onChanged");
  }

  /** Marks the resource deleted and tells watchers, once. */
  void markAbsent(Executor executor) {
    cancelTimer();
    if (absent) {
      return;
    }
    absent = true;
    proto = null;
    raw = null;
    version = null;
    value = null;
    deliver(executor, List.copyOf(watchers), w -> w.onDoesNotExist(name), "onDoesNotExist");
  }

  /** An error that leaves the data as it is (rejected update, broken stream). */
  void ambientError(String message, Executor executor) {
    deliver(executor, List.copyOf(watchers), w -> w.onAmbientError(message), "onAmbientError");
  }

  /** Whether a does-not-exist timer should run: subscribed, nothing known yet, none pending. */
  boolean needsTimer() {
    return subscribed() && value == null && !absent
        && (doesNotExistTimer == null || !doesNotExistTimer.isPending());
  }

  void setTimer(ScheduledHandle timer) {
    doesNotExistTimer = timer;
  }

  void cancelTimer() {
    if (doesNotExistTimer != null) {
      doesNotExistTimer.cancel();
      doesNotExistTimer = null;
    }
  }

  private void deliver(Executor executor, List<ResourceWatcher<Object>> targets,
      Consumer<ResourceWatcher<Object>> call, String what) {
    for (ResourceWatcher<Object> w : targets) {
      try {
        executor.execute(() -> {
          try {
            call.accept(w);
          } catch (RuntimeException e) {
            log.warn("xDS watcher {} of {} {} threw from {}", w, typeUrl, name, what, e);
          }
        });
      } catch (RejectedExecutionException e) {
        log.warn("xDS watcher executor rejected {} for {} {}: {}", what, typeUrl, name, e.toString());
      }
    }
  }
}
