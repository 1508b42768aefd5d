package dev.meshwork.core.internal.xds;

import dev.meshwork.core.MeshSettings;
import io.github.resilience4j.core.IntervalFunction;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything an {@link XdsClient} needs. Immutable; nullable components take the documented
 * defaults in the compact constructor, so {@code new XdsClientConfig(s, p, e, null, null, null,
 * null, null)} (or {@link #of}) is a complete config.
 *
 * @param settings who this process is (xDS node) and where the control plane is
 * @param parsers one parser per type URL this client may watch; the key must equal the parser's
 *     {@link ResourceParser#typeUrl()}
 * @param watcherExecutor where {@link ResourceWatcher} callbacks run
 * @param persistDir directory for the last-good-config snapshot; null disables persistence
 * @param clock wall clock for snapshot timestamps and backoff bookkeeping; default system UTC
 * @param scheduler timers (backoff, does-not-exist, snapshot writes); null: the client creates and
 *     owns a single thread named {@code meshwork-xds-<instanceId>}
 * @param doesNotExistTimeout how long a subscribed resource may stay unanswered on a live stream
 *     before watchers hear it does not exist; default 15 s (gRPC's value)
 * @param backoff reconnect delay per consecutive failed attempt (1-based, millis); default
 *     exponential 500 ms × 1.6 with 20% jitter, capped at 30 s
 */
public record XdsClientConfig(MeshSettings settings, Map<String, ResourceParser<?>> parsers,
    Executor watcherExecutor, Path persistDir, Clock clock, ScheduledExecutorService scheduler,
    Duration doesNotExistTimeout, IntervalFunction backoff) {
  public static final Duration DEFAULT_DOES_NOT_EXIST_TIMEOUT = Duration.ofSeconds(15);

  public XdsClientConfig {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(parsers, "parsers");
    Objects.requireNonNull(watcherExecutor, "watcherExecutor");
    parsers = Map.copyOf(parsers);
    if (parsers.isEmpty()) {
      throw new IllegalArgumentException("parsers: empty (expected: at least one resource type)");
    }
    parsers.forEach((typeUrl, parser) -> {
      if (!typeUrl.equals(parser.typeUrl())) {
        throw new IllegalArgumentException("parsers: key " + typeUrl + " maps to a parser for "
            + parser.typeUrl() + " (expected: the parser's own typeUrl())");
      }
    });
    clock = clock == null ? Clock.systemUTC() : clock;
    doesNotExistTimeout = doesNotExistTimeout == null ? DEFAULT_DOES_NOT_EXIST_TIMEOUT : doesNotExistTimeout;
    if (doesNotExistTimeout.isNegative() || doesNotExistTimeout.isZero()) {
      throw new IllegalArgumentException("doesNotExistTimeout: " + doesNotExistTimeout + " (expected: > 0)");
    }
    backoff = backoff == null ? defaultBackoff() : backoff;
  }

  /** A config with defaults for everything optional and no persistence. */
  public static XdsClientConfig of(MeshSettings settings, Map<String, ResourceParser<?>> parsers,
      Executor watcherExecutor) {
    return new XdsClientConfig(settings, parsers, watcherExecutor, null, null, null, null, null);
  }

  /** gRPC's reconnect backoff shape: 500 ms initial, ×1.6, ±20% jitter, capped at 30 s. */
  public static IntervalFunction defaultBackoff() {
    return IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(500), 1.6, 0.2, Duration.ofSeconds(30));
  }
}
