package dev.meshwork.controlplane.internal.metrics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * Measures how long a push takes to converge: from a snapshot being published until every client
 * that was sent one of its changed types has answered (ACK or NACK) or gone away.
 *
 * <p>Each push keeps its own set of pending (stream, type) pairs, filled when it begins (the
 * SotW subscribers of its changed types) and while the snapshot is being handed to waiting watches
 * (delta streams, which are sent only what changed for them), until {@link Push#seal}. ACKs, NACKs
 * and closed streams remove pairs from the concurrent sets of the pushes in flight: the xDS hot
 * path takes no lock. A push nobody answers is given up after the timeout ({@link #expire}).
 *
 * <p>An ACK of a version resolves the pair in the push that published it and in every older push
 * still in flight: a client that went straight to the newer version has the older change too.
 * Versions are content hashes, so they may recur (a change reverted); the newest push with that
 * version counts.
 */
public final class PushConvergence {
  /** Where outcomes go; called on whichever thread resolved the push. */
  public interface Outcome {
    /** Every expected client answered; {@code nacked} when at least one of them rejected it. */
    void converged(long nanos, boolean nacked);

    /** Some client never answered within the timeout. */
    void timedOut();
  }

  private record Key(long streamId, String typeUrl) {}

  private final LongSupplier nanoClock;
  private final long timeoutNanos;
  private final Outcome outcome;
  // Oldest first. Written once per push (rare), read on every ACK: copy-on-write suits.
  private final List<Push> inFlight = new CopyOnWriteArrayList<>();
  private long nextSeq; // begin() is called by one publisher thread at a time

  public PushConvergence(LongSupplier nanoClock, long timeoutNanos, Outcome outcome) {
    this.nanoClock = nanoClock;
    this.timeoutNanos = timeoutNanos;
    this.outcome = outcome;
  }

  /**
   * Starts following a push; call before the snapshot becomes visible to streams and {@link
   * Push#seal} once it has been handed to every waiting watch. Not thread-safe against itself.
   *
   * @param versions the new snapshot's version of each type (type URL to version)
   * @param changed type URLs whose version changed
   * @param sotwStreams per changed type URL, the SotW streams expected to answer
   * @param open whether a stream is still open
   */
  public Push begin(Map<String, String> versions, Set<String> changed, Map<String, ? extends Collection<Long>> sotwStreams,
      LongPredicate open) {
    Push p = new Push(nextSeq++, nanoClock.getAsLong(), Map.copyOf(versions), Set.copyOf(changed));
    sotwStreams.forEach((type, ids) -> ids.forEach(id -> p.expect(new Key(id, type))));
    inFlight.add(p);
    // A stream that closed before the push was in flight missed streamClosed; it is no longer open.
    p.pending.removeIf(k -> !open.test(k.streamId));
    return p;
  }

  /** A response went out: while a push is being handed out, its receiver becomes expected. */
  public void responseSent(long streamId, String typeUrl, String version) {
    for (Push p : inFlight) {
      if (!p.sealed.get() && p.changed.contains(typeUrl) && version.equals(p.versions.get(typeUrl))) {
        p.expect(new Key(streamId, typeUrl));
      }
    }
  }

  /** A client accepted {@code version} of a type. */
  public void acked(long streamId, String typeUrl, String version) {
    answered(streamId, typeUrl, version, false);
  }

  /** A client rejected {@code version} of a type. */
  public void nacked(long streamId, String typeUrl, String version) {
    answered(streamId, typeUrl, version, true);
  }

  private void answered(long streamId, String typeUrl, String version, boolean nack) {
    if (version == null) {
      return;
    }
    long newest = -1;
    for (Push p : inFlight) {
      if (version.equals(p.versions.get(typeUrl))) {
        newest = p.seq;
      }
    }
    Key k = new Key(streamId, typeUrl);
    for (Push p : inFlight) {
      if (p.seq <= newest && p.pending.remove(k)) {
        if (nack) {
          p.nacked = true;
        }
        complete(p);
      }
    }
  }

  /** A stream went away: nothing more to wait for from it. */
  public void streamClosed(long streamId) {
    for (Push p : inFlight) {
      if (p.pending.removeIf(k -> k.streamId == streamId)) {
        complete(p);
      }
    }
  }

  /** Gives up on pushes older than the timeout; call periodically. */
  public void expire() {
    long now = nanoClock.getAsLong();
    for (Push p : inFlight) {
      if (now - p.startNanos >= timeoutNanos && p.done.compareAndSet(false, true)) {
        inFlight.remove(p);
        outcome.timedOut();
      }
    }
  }

  /** Pushes not yet converged nor given up (for tests). */
  int inFlight() {
    return inFlight.size();
  }

  private void complete(Push p) {
    if (p.sealed.get() && p.pending.isEmpty() && p.done.compareAndSet(false, true)) {
      inFlight.remove(p);
      // A push no client was subscribed to converges trivially: a zero would only dilute the
      // histogram, so it records nothing.
      if (p.expectedAny) {
        outcome.converged(nanoClock.getAsLong() - p.startNanos, p.nacked);
      }
    }
  }

  /** One published snapshot being followed. */
  public final class Push {
    private final long seq;
    private final long startNanos;
    private final Map<String, String> versions;
    private final Set<String> changed;
    private final Set<Key> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sealed = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean expectedAny;
    private volatile boolean nacked;

    private Push(long seq, long startNanos, Map<String, String> versions, Set<String> changed) {
      this.seq = seq;
      this.startNanos = startNanos;
      this.versions = versions;
      this.changed = changed;
    }

    private void expect(Key k) {
      expectedAny = true;
      pending.add(k);
    }

    /** The snapshot has been handed out: no more expected clients; converged once they answered. */
    public void seal() {
      sealed.set(true);
      complete(this);
    }
  }
}
