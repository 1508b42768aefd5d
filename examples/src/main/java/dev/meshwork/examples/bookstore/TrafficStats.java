package dev.meshwork.examples.bookstore;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The live view's model: every request the traffic driver made (which reviews version answered,
 * success, latency as the driver measured it), kept for a minute, summarized over a window.
 * Thread-safe.
 */
public final class TrafficStats {
  private static final long KEEP_NANOS = TimeUnit.SECONDS.toNanos(60);

  private record Sample(long at, String version, boolean ok, long latencyNanos) {}

  private final Deque<Sample> samples = new ArrayDeque<>();
  private final LongSupplier clock;

  /** Stats on {@link System#nanoTime()}. */
  public TrafficStats() {
    this(System::nanoTime);
  }

  TrafficStats(LongSupplier clock) {
    this.clock = clock;
  }

  /**
   * Records one request.
   *
   * @param version the reviews version that answered ({@code v1}…), or null when none did
   * @param ok whether the page was served (HTTP 200)
   * @param latencyNanos the request's duration as the client saw it
   */
  public synchronized void record(String version, boolean ok, long latencyNanos) {
    long now = clock.getAsLong();
    samples.addLast(new Sample(now, version, ok, latencyNanos));
    while (!samples.isEmpty() && now - samples.peekFirst().at() > KEEP_NANOS) {
      samples.removeFirst();
    }
  }

  /** The current {@link #snapshot} clock reading, to summarize from a point on. */
  public long now() {
    return clock.getAsLong();
  }

  /** A summary of the requests recorded in the last {@code seconds} seconds. */
  public Snapshot lastSeconds(int seconds) {
    return since(clock.getAsLong() - TimeUnit.SECONDS.toNanos(seconds));
  }

  /** A summary of the requests recorded since {@code nanoTime} (a {@link #now()} reading). */
  public synchronized Snapshot since(long nanoTime) {
    Map<String, Long> versions = new TreeMap<>();
    long total = 0;
    long ok = 0;
    long[] latencies = new long[samples.size()];
    for (Sample s : samples) {
      if (s.at() < nanoTime) {
        continue;
      }
      latencies[(int) total++] = s.latencyNanos();
      if (s.ok()) {
        ok++;
      }
      if (s.ok() && s.version() != null) {
        versions.merge(s.version(), 1L, Long::sum);
      }
    }
    long[] sorted = Arrays.copyOf(latencies, (int) total);
    Arrays.sort(sorted);
    return new Snapshot(total, ok, versions, percentileMillis(sorted, 0.50), percentileMillis(sorted, 0.99));
  }

  private static double percentileMillis(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  /**
   * Requests over a window.
   *
   * @param requests requests made
   * @param ok requests answered with HTTP 200
   * @param byVersion successful requests per reviews version that answered
   * @param p50Millis median latency
   * @param p99Millis 99th percentile latency
   */
  public record Snapshot(long requests, long ok, Map<String, Long> byVersion, double p50Millis, double p99Millis) {
    /** Share of the successful requests answered by {@code version}, in percent (0 when none). */
    public double sharePercent(String version) {
      long answered = byVersion.values().stream().mapToLong(Long::longValue).sum();
      return answered == 0 ? 0 : 100.0 * byVersion.getOrDefault(version, 0L) / answered;
    }

    /** Requests answered with HTTP 200, in percent (100 when there were none). */
    public double successPercent() {
      return requests == 0 ? 100 : 100.0 * ok / requests;
    }

    /** Requests that reached a reviews version. */
    public long answered() {
      return byVersion.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
