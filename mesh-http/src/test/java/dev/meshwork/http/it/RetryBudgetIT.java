package dev.meshwork.http.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retry budget every cluster gets by default (20% of active requests, at least 3 concurrent
 * retries): against a service that fails every request, 3 retries per request must not turn into 4x
 * the load. Also the active-request count it shares with max_requests: each request counts once.
 */
class RetryBudgetIT {
  static final String CONFIG = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
          retries: {attempts: 3, retryOn: 5xx}
      """;
  static final int THREADS = 20;
  static final int PER_THREAD = 25;

  @TempDir Path tmp;
  HttpMesh mesh;
  ExecutorService pool;

  @AfterEach
  void tearDown() {
    if (pool != null) {
      pool.shutdownNow();
    }
    mesh.close();
  }

  @Test
  void allUpstreams503_retriesAttempts3_concurrentLoadStaysNearOneAttemptPerRequest() throws Exception {
    mesh = new HttpMesh(tmp);
    List<WireMockServer> upstreams = List.of(
        mesh.upstream("reviews", "r1", Map.of(), 503, true),
        mesh.upstream("reviews", "r2", Map.of(), 503, true));
    mesh.apply("reviews.yaml", CONFIG);
    OkHttpClient client = mesh.client().client();

    // Alone, a request gets all its retries (the budget's minimum of 3 concurrent retries).
    assertEquals(503, HttpMesh.call(client, "http://reviews/alone").status());
    assertEquals(4, upstreams.stream().mapToInt(HttpMesh::received).sum(), "1 attempt + 3 retries");
    upstreams.forEach(WireMockServer::resetRequests);

    pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    Map<String, Integer> outcomes = new ConcurrentHashMap<>();
    List<Future<?>> done = new java.util.ArrayList<>();
    // 20 threads draw the 500 requests (25 each on average) from one pool, so all 20 stay in
    // flight until the last few: the budget is measured at a steady 20 active requests.
    AtomicInteger tickets = new AtomicInteger(THREADS * PER_THREAD);
    for (int t = 0; t < THREADS; t++) {
      done.add(pool.submit(() -> {
        go.await();
        for (int i = tickets.getAndDecrement(); i > 0; i = tickets.getAndDecrement()) {
          HttpMesh.Outcome o = HttpMesh.call(client, "http://reviews/reviews/" + i);
          String key = o.failure() == null ? "HTTP " + o.status() : "ERROR:" + o.failure().getClass().getSimpleName();
          outcomes.merge(key, 1, Integer::sum);
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }

    int requests = THREADS * PER_THREAD;
    int attempts = upstreams.stream().mapToInt(HttpMesh::received).sum();
    double ratio = (double) attempts / requests;
    System.out.printf("retry budget: %d upstream attempts for %d requests = %.3f attempts per request "
        + "(without a budget: 4.0)%n", attempts, requests, ratio);
    assertEquals(Map.of("HTTP 503", requests), outcomes, "each request ends with the upstream's 503");
    // Envoy's budget: retries in flight <= max(3, 20% of active requests); with 20 requests active
    // that is 4 concurrent retries, each waiting out its back-off while first attempts fail fast,
    // so typically ~1.1. The slack (5 points) covers a loaded machine where attempts are slow next
    // to the back-off: then 4 retrying requests to 16 on their first attempt is the limit (1.25).
    assertTrue(attempts <= requests * (1 + 0.20 + 0.05), "attempts per request " + ratio + " (expected <= 1.25)");
  }

  @Test
  void http2MaxRequests4_admitsFourConcurrentRequests_eachCountedOnce() throws Exception {
    mesh = new HttpMesh(tmp);
    WireMockServer slow = mesh.upstream("reviews", "slow", Map.of());
    slow.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("slow").withFixedDelay(400)));
    mesh.apply("reviews.yaml", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          trafficPolicy:
            connectionPool:
              http: {http2MaxRequests: 4}
        """);
    OkHttpClient client = mesh.client().client();
    assertEquals("slow", HttpMesh.get(client, "http://reviews/warmup", Map.of()));
    pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> answers = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      answers.add(pool.submit(() -> {
        go.await();
        return HttpMesh.get(client, "http://reviews/x", Map.of());
      }));
    }
    go.countDown();
    for (Future<String> f : answers) {
      assertEquals("slow", f.get(30, TimeUnit.SECONDS), "4 concurrent requests fit max_requests 4");
    }
  }
}
