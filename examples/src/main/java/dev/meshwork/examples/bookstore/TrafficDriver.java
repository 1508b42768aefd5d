package dev.meshwork.examples.bookstore;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded load generator for the bookstore: {@code GET /productpage/<id>} at a fixed rate (at
 * most {@value #MAX_RPS} requests per second, at most {@value #MAX_IN_FLIGHT} in flight; a tick
 * is skipped rather than queued), every fifth request as {@code end-user: jason}. Each answer
 * (the reviews version in the page, success, latency measured here) goes to {@link TrafficStats}.
 */
public final class TrafficDriver implements AutoCloseable {
  /** The highest rate accepted. */
  public static final int MAX_RPS = 300;
  /** The most requests in flight at once. */
  public static final int MAX_IN_FLIGHT = 64;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "traffic-driver");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong();
  private final URI base;
  private final TrafficStats stats;

  /**
   * Starts sending.
   *
   * @param productpage the productpage's base URI ({@code http://127.0.0.1:<port>})
   * @param rps requests per second, 1 to {@value #MAX_RPS}
   * @param stats where answers are recorded
   */
  public TrafficDriver(URI productpage, int rps, TrafficStats stats) {
    if (rps < 1 || rps > MAX_RPS) {
      throw new IllegalArgumentException("rps must be 1.." + MAX_RPS + ": " + rps);
    }
    this.base = productpage;
    this.stats = stats;
    ticks.scheduleAtFixedRate(this::send, 0, 1_000_000_000L / rps, TimeUnit.NANOSECONDS);
  }

  private void send() {
    if (inFlight.get() >= MAX_IN_FLIGHT) {
      return;
    }
    long n = sent.incrementAndGet();
    HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve("/productpage/" + (n % 10)))
        .timeout(Duration.ofSeconds(5));
    if (n % 5 == 0) {
      req.header("end-user", "jason");
    }
    inFlight.incrementAndGet();
    long start = System.nanoTime();
    http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
      inFlight.decrementAndGet();
      long latency = System.nanoTime() - start;
      boolean ok = e == null && r.statusCode() == 200;
      stats.record(ok ? versionIn(r.body()) : null, ok, latency);
    });
  }

  /** The reviews version in a product page ({@code product 3 reviews v2 black:4}), or null. */
  static String versionIn(String page) {
    int i = page.indexOf("reviews ");
    if (i < 0) {
      return null;
    }
    String rest = page.substring(i + "reviews ".length());
    int end = rest.indexOf(' ');
    return end < 0 ? rest : rest.substring(0, end);
  }

  @Override
  public void close() {
    ticks.shutdownNow();
    try {
      ticks.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
