package dev.meshwork.core.internal.authz;

import dev.meshwork.core.inbound.AuthzDecision;
import dev.meshwork.core.inbound.InboundRequest;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line per denied request on logger {@code dev.meshwork.authz}, e.g. {@code denied
 * spiffe://cluster.local/ns/default/sa/ratings GET /reviews/1 by policy ns[default]-policy[x]-rule[0]},
 * at most {@link #PER_SECOND} lines a second; the next line logged says how many were left out.
 * Thread-safe and lock-free; a line is only formatted when it is logged.
 */
public final class DenialLog {
  public static final int PER_SECOND = 10;
  private static final long SECOND = 1_000_000_000L;

  private final Logger log;
  private final LongSupplier nanoClock;
  private final AtomicLong window = new AtomicLong(Long.MIN_VALUE); // start of the current second
  private final AtomicLong inWindow = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();

  public DenialLog(LongSupplier nanoClock) {
    this(LoggerFactory.getLogger("dev.meshwork.authz"), nanoClock);
  }

  DenialLog(Logger log, LongSupplier nanoClock) {
    this.log = log;
    this.nanoClock = nanoClock;
  }

  public void denied(InboundRequest r, AuthzDecision d) {
    if (!log.isWarnEnabled()) {
      return;
    }
    long now = nanoClock.getAsLong();
    long start = window.get();
    if (start == Long.MIN_VALUE || now - start >= SECOND) {
      if (window.compareAndSet(start, now)) {
        inWindow.set(0);
      }
    }
    if (inWindow.incrementAndGet() > PER_SECOND) {
      suppressed.incrementAndGet();
      return;
    }
    String who = r.peerPrincipal() == null ? "plaintext peer" : r.peerPrincipal();
    String why = d.policy() != null ? "by policy " + d.policy() : "(" + d.reason() + ")";
    long skipped = suppressed.getAndSet(0);
    if (skipped > 0) {
      log.warn("denied {} {} {} {} ({} earlier denials not logged)", who, r.method(), r.path(), why, skipped);
    } else {
      log.warn("denied {} {} {} {}", who, r.method(), r.path(), why);
    }
  }
}
