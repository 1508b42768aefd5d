package dev.meshwork.http.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.meshwork.http.it.HttpMesh.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.engine.MeshRejectedException;
import dev.meshwork.http.MeshHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries, per-try timeouts, idempotency, circuit breaking and outlier detection over HTTP. */
class HttpResilienceIT {
  @TempDir Path tmp;
  HttpMesh mesh;

  @BeforeEach
  void setUp() throws Exception {
    mesh = new HttpMesh(tmp);
  }

  @AfterEach
  void tearDown() {
    mesh.close();
  }

  static String vs(String retries) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: ratings
        spec:
          hosts: [ratings]
          http:
          - route:
            - destination:
                host: ratings
        %s
        """.formatted(retries.indent(4).stripTrailing());
  }

  static String dr(String policy) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: ratings
        spec:
          host: ratings
          trafficPolicy:
        %s
        """.formatted(policy.indent(4).stripTrailing());
  }

  static void always(WireMockServer w, int status, int delayMs) {
    w.resetMappings();
    w.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status).withBody("s" + status).withFixedDelay(delayMs)));
  }

  static int received(WireMockServer w) {
    return w.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
  }

  @Test
  void retries_hideUpstreamsFailingWith503_byRetryingOnOtherHosts() throws Exception {
    // Half the capacity fails: one upstream always, one every other request; two are healthy.
    // Retries go to other hosts (Istio's previous_hosts predicate), so 3 retries always find one.
    always(mesh.upstream("ratings", "down", Map.of()), 503, 0);
    mesh.upstream("ratings", "r-flaky", Map.of(), new FailEveryOther());
    mesh.upstream("ratings", "r-a", Map.of());
    mesh.upstream("ratings", "r-b", Map.of());
    mesh.apply("ratings.yaml", vs("""
        retries:
          attempts: 3
          retryOn: 5xx
        """) + "---\n" + dr("loadBalancer:\n  simple: ROUND_ROBIN")
        // This test is about retries, not the budget (RetryBudgetIT): let all 8 callers retry at once.
        .replace("  name: ratings\nspec:\n  host: ratings",
            "  name: ratings\n  annotations:\n    retrybudget.meshwork.dev/percent: \"100\"\nspec:\n  host: ratings"));
    OkHttpClient c = mesh.client().client();
    // 8 callers: most of the time goes to retry backoff (Envoy's 25 ms base), not to work.
    Map<String, Integer> counts = HttpMesh.concurrentDistribution(c, "http://ratings/", 8, 250);
    assertEquals(2000, counts.values().stream().mapToInt(Integer::intValue).sum());
    double ok = share(counts, "r-");
    assertTrue(ok >= 99.9, "success " + ok + "% " + counts);
  }

  @Test
  void perTryTimeout_cutsASlowInstance_andTheRetrySucceedsElsewhere() {
    always(mesh.upstream("ratings", "slow", Map.of()), 200, 3000);
    mesh.upstream("ratings", "fast", Map.of());
    mesh.apply("ratings.yaml", vs("""
        retries:
          attempts: 2
          perTryTimeout: 200ms
          retryOn: 5xx,reset,gateway-error
        """) + "---\n" + dr("loadBalancer:\n  simple: ROUND_ROBIN"));
    OkHttpClient c = mesh.client().client();
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      assertEquals("fast", HttpMesh.get(c, "http://ratings/", Map.of()));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 2000, "a slow attempt must be cut at its per-try timeout, took " + ms + " ms");
    }
  }

  @Test
  void theCallersCancelAndCallTimeout_reachAnAttemptSentAsItsOwnCall_andAreNotTheEndpointsFault() throws Exception {
    // With a route or per-try timeout (or mTLS) each attempt is an OkHttp call of its own; the
    // application's cancel() and call timeout still have to stop it, not wait for the upstream.
    WireMockServer slow = mesh.upstream("ratings", "slow", Map.of());
    mesh.apply("ratings.yaml", vs("""
        timeout: 30s
        retries:
          attempts: 3
          perTryTimeout: 20s
          retryOn: 5xx,reset,connect-failure,retriable-status-codes
        """) + "---\n" + dr("""
        outlierDetection:
          consecutive5xxErrors: 1
          interval: 10s
          baseEjectionTime: 30s
          maxEjectionPercent: 100
        """));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    MeshHttp http = mesh.client(MeshOptions.DEFAULTS.withMeterRegistry(meters));
    OkHttpClient timed = http.install(new OkHttpClient.Builder().callTimeout(Duration.ofMillis(300)));
    HttpMesh.await("ratings routed", () -> "slow".equals(HttpMesh.get(http.client(), "http://ratings/", Map.of())), 10_000);
    always(slow, 200, 5000);

    long t0 = System.nanoTime();
    InterruptedIOException timeout = assertThrows(InterruptedIOException.class,
        () -> timed.newCall(new Request.Builder().url("http://ratings/").build()).execute().close());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("timeout", timeout.getMessage());
    assertTrue(ms < 2000, "the call timeout (300 ms) must end the call, took " + ms + " ms");

    Call call = http.client().newCall(new Request.Builder().url("http://ratings/").build());
    ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
    try {
      t0 = System.nanoTime();
      canceller.schedule(call::cancel, 300, TimeUnit.MILLISECONDS);
      IOException canceled = assertThrows(IOException.class, () -> call.execute().close());
      ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 2000, "cancel() after 300 ms must end the call, took " + ms + " ms: " + canceled);
      assertTrue(call.isCanceled());

      // The same for an asynchronous call (its attempt runs on a dispatcher thread): one onFailure, promptly.
      Call async = http.client().newCall(new Request.Builder().url("http://ratings/").build());
      java.util.concurrent.CompletableFuture<Object> outcome = new java.util.concurrent.CompletableFuture<>();
      t0 = System.nanoTime();
      async.enqueue(new okhttp3.Callback() {
        @Override
        public void onFailure(Call c, IOException e) {
          outcome.complete(e);
        }

        @Override
        public void onResponse(Call c, Response r) {
          r.close();
          outcome.complete("HTTP " + r.code());
        }
      });
      canceller.schedule(async::cancel, 300, TimeUnit.MILLISECONDS);
      Object result = outcome.get(10, TimeUnit.SECONDS);
      ms = (System.nanoTime() - t0) / 1_000_000;
      assertInstanceOf(IOException.class, result, "the cancelled asynchronous call");
      assertTrue(ms < 2000, "cancel() after 300 ms must end the asynchronous call, took " + ms + " ms");

      // Headers at once, then a body that takes 5 s: cancel() and the call timeout reach the body too.
      slow.resetMappings();
      slow.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("x".repeat(20_000))
          .withChunkedDribbleDelay(20, 5000)));
      Call streaming = http.client().newCall(new Request.Builder().url("http://ratings/").build());
      try (Response r = streaming.execute()) {
        t0 = System.nanoTime();
        canceller.schedule(streaming::cancel, 300, TimeUnit.MILLISECONDS);
        IOException e = assertThrows(IOException.class, () -> r.body().string());
        ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, "cancel() while reading the body must end it, took " + ms + " ms: " + e);
      }
      t0 = System.nanoTime();
      try (Response r = timed.newCall(new Request.Builder().url("http://ratings/").build()).execute()) {
        IOException e = assertThrows(IOException.class, () -> r.body().string());
        ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, "the call timeout (300 ms) must end reading the body, took " + ms + " ms: " + e);
      }
    } finally {
      canceller.shutdownNow();
    }
    // Every failed attempt was retriable (reset) and a 5xx to outlier detection, but the caller
    // gave up: nothing more is sent, and the endpoint is not blamed.
    double retries = meters.find("meshwork.retries").counters().stream().mapToDouble(c -> c.count()).sum();
    assertEquals(0.0, retries, "retries after the caller cancelled");
    double ejections = meters.find("meshwork.outlier.ejections").counters().stream().mapToDouble(c -> c.count()).sum();
    assertEquals(0.0, ejections, "ejections for calls the caller cancelled");
    // The three calls given up before their headers are recorded as Envoy records a downstream that went away.
    long dc = meters.find("http.client.request.duration").tag("mesh.response_flags", "DC").timers().stream()
        .mapToLong(t -> t.count()).sum();
    assertEquals(3, dc, "calls flagged DC");
  }

  @Test
  void anInjectedDelay_isCutByTheCallersTimeout() throws Exception {
    // Istio's Bookinfo fault-injection task: a delay longer than the caller's own timeout must end
    // at the caller's timeout, not at the delay's end.
    mesh.upstream("ratings", "r", Map.of());
    mesh.apply("ratings.yaml", vs("""
        fault:
          delay:
            fixedDelay: 2s
            percentage: {value: 100}
        """));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    MeshHttp http = mesh.client(MeshOptions.DEFAULTS.withMeterRegistry(meters));
    HttpMesh.await("ratings routed", () -> "r".equals(HttpMesh.get(http.client(), "http://ratings/", Map.of())), 15_000);
    long t0 = System.nanoTime();
    assertEquals("r", HttpMesh.get(http.client(), "http://ratings/", Map.of()));
    long delayed = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(delayed >= 2000, "the delay applies, took " + delayed + " ms");

    OkHttpClient timed = http.install(new OkHttpClient.Builder().callTimeout(Duration.ofMillis(300)));
    t0 = System.nanoTime();
    InterruptedIOException e = assertThrows(InterruptedIOException.class,
        () -> timed.newCall(new Request.Builder().url("http://ratings/").build()).execute().close());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("timeout", e.getMessage());
    assertTrue(ms < 1500, "the call timeout (300 ms) must end the injected 2 s delay, took " + ms + " ms");
    // Both things happened to that call, and Envoy reports both, in its own order.
    assertEquals(1, flagged(meters, "DI,DC"), "the delayed call the caller gave up on");
    assertTrue(flagged(meters, "DI") >= 2, "delayed calls that completed: " + flagged(meters, "DI"));
    assertEquals(0, flagged(meters, "DC"), "no call is flagged DC alone");
  }

  static long flagged(SimpleMeterRegistry meters, String flags) {
    return meters.find("http.client.request.duration").tag("mesh.response_flags", flags).timers().stream()
        .mapToLong(t -> t.count()).sum();
  }

  @Test
  void aReadTimeoutSetOnADerivedClient_appliesToAttemptsSentAsTheirOwnCalls() {
    // OkHttp's idiom for a per-use timeout: client.newBuilder().readTimeout(...).build(). With a
    // route timeout the attempt is a call of its own, which must still read with that timeout.
    WireMockServer slow = mesh.upstream("ratings", "slow", Map.of());
    mesh.apply("ratings.yaml", vs("timeout: 10s"));
    OkHttpClient base = mesh.client().client();
    HttpMesh.await("ratings routed", () -> "slow".equals(HttpMesh.get(base, "http://ratings/", Map.of())), 10_000);
    always(slow, 200, 2000);
    OkHttpClient quick = base.newBuilder().readTimeout(Duration.ofMillis(300)).build();
    long t0 = System.nanoTime();
    HttpMesh.Outcome out = HttpMesh.call(quick, "http://ratings/");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertInstanceOf(java.net.SocketTimeoutException.class, out.failure(), "readTimeout(300 ms): " + out);
    assertTrue(ms < 1500, "readTimeout(300 ms) of the derived client took " + ms + " ms");

    // A derived client's call timeout bounds the body too (headers at once, a body taking 2 s).
    slow.resetMappings();
    slow.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("x".repeat(20_000))
        .withChunkedDribbleDelay(20, 2000)));
    OkHttpClient brief = base.newBuilder().callTimeout(Duration.ofMillis(300)).build();
    t0 = System.nanoTime();
    try (Response r = brief.newCall(new Request.Builder().url("http://ratings/").build()).execute()) {
      assertThrows(IOException.class, () -> r.body().string());
    } catch (IOException e) {
      // the headers may already be late on a slow machine: the call timeout ended the call either way
    }
    ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 1500, "callTimeout(300 ms) of the derived client took " + ms + " ms to end the body");
  }

  @Test
  void post_isNotRetriedOn503_whileGetIs() throws Exception {
    WireMockServer down = mesh.upstream("ratings", "down", Map.of());
    always(down, 503, 0);
    mesh.apply("ratings.yaml", vs("""
        retries:
          attempts: 3
          retryOn: 5xx
        """));
    OkHttpClient c = mesh.client().client();
    Request post = new Request.Builder().url("http://ratings/orders")
        .post(RequestBody.create("{}", MediaType.get("application/json"))).build();
    int before = received(down);
    try (Response r = c.newCall(post).execute()) {
      assertEquals(503, r.code());
    }
    assertEquals(1, received(down) - before, "POST is not idempotent: one attempt only");
    before = received(down);
    try (Response r = c.newCall(new Request.Builder().url("http://ratings/orders").build()).execute()) {
      assertEquals(503, r.code());
    }
    assertEquals(4, received(down) - before, "GET: 1 attempt + 3 retries");
  }

  @Test
  void circuitBreaker_failsFastAboveMaxRequests_withoutCallingTheUpstream() throws Exception {
    WireMockServer slow = mesh.upstream("ratings", "slow", Map.of());
    always(slow, 200, 1500);
    mesh.apply("ratings.yaml", vs("retries:\n  attempts: 0") + "---\n" + dr("""
        connectionPool:
          http:
            http2MaxRequests: 2
        """));
    OkHttpClient c = mesh.client().client();
    HttpMesh.get(c, "http://ratings/warm-up", Map.of()); // config loaded
    int before = received(slow);
    ExecutorService pool = Executors.newFixedThreadPool(6, r -> new Thread(r, "cb-test"));
    try {
      List<Future<Object>> results = new ArrayList<>();
      AtomicLong fastFailMillis = new AtomicLong();
      for (int i = 0; i < 6; i++) {
        results.add(pool.submit((Callable<Object>) () -> {
          long t0 = System.nanoTime();
          try (Response r = c.newCall(new Request.Builder().url("http://ratings/").build()).execute()) {
            return r.code();
          } catch (IOException e) {
            fastFailMillis.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
            return e;
          }
        }));
      }
      int ok = 0;
      int open = 0;
      List<Object> all = new ArrayList<>();
      for (Future<Object> f : results) {
        all.add(f.get());
      }
      for (Object o : all) {
        if (o instanceof MeshRejectedException e) {
          assertEquals(MeshRejectedException.Kind.CIRCUIT_OPEN, e.kind());
          assertTrue(e.getMessage().contains("outbound|80||ratings") && e.getMessage().contains("max_requests 2"), e.getMessage());
          open++;
        } else if (Integer.valueOf(200).equals(o)) {
          ok++;
        }
      }
      assertEquals(2, ok, "max_requests 2 admitted: " + all);
      assertEquals(4, open, "the rest fail fast");
      assertTrue(fastFailMillis.get() < 1000, "rejections must not wait for the slow upstream: " + fastFailMillis);
      assertEquals(2, received(slow) - before, "rejected requests never reached the upstream");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void outlierDetection_ejectsAFailingInstance_andReadmitsItAfterTheEjectionTime() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    WireMockServer bad = mesh.upstream("ratings", "bad", Map.of());
    always(bad, 503, 0);
    mesh.upstream("ratings", "good-a", Map.of());
    mesh.upstream("ratings", "good-b", Map.of());
    mesh.apply("ratings.yaml", vs("retries:\n  attempts: 0") + "---\n" + dr("""
        loadBalancer:
          simple: ROUND_ROBIN
        outlierDetection:
          consecutive5xxErrors: 3
          interval: 10s
          baseEjectionTime: 30s
          maxEjectionPercent: 50
        """));
    OkHttpClient c = mesh.client(MeshOptions.DEFAULTS.withNanoClock(now::get)).client();
    Map<String, Integer> first = HttpMesh.distribution(c, "http://ratings/", Map.of(), 30);
    assertEquals(3, first.getOrDefault("HTTP 503", 0), "ejected after 3 consecutive 5xx " + first);
    int atEjection = received(bad);
    Map<String, Integer> ejected = HttpMesh.distribution(c, "http://ratings/", Map.of(), 300);
    assertEquals(atEjection, received(bad), "no request reaches an ejected instance " + ejected);
    assertEquals(100.0, share(ejected, "good-"));

    always(bad, 200, 0); // it recovers; re-admitted once the ejection time has passed
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    HttpMesh.distribution(c, "http://ratings/", Map.of(), 30);
    assertEquals(atEjection, received(bad), "still ejected before 30 s");
    now.addAndGet(Duration.ofSeconds(12).toNanos()); // past 30 s and an interval tick
    HttpMesh.distribution(c, "http://ratings/", Map.of(), 30);
    assertTrue(received(bad) - atEjection >= 8, "re-admitted: gets its round-robin share again, got "
        + (received(bad) - atEjection));
  }

  @Test
  void noEndpoints_failsWithATypedNoHealthyUpstreamError() throws Exception {
    mesh.apply("ratings.yaml", vs("retries:\n  attempts: 0"));
    OkHttpClient c = mesh.client().client();
    IOException e = assertThrows(IOException.class,
        () -> c.newCall(new Request.Builder().url("http://ratings/").build()).execute().close());
    MeshRejectedException m = assertInstanceOf(MeshRejectedException.class, e);
    assertEquals(MeshRejectedException.Kind.NO_HEALTHY_UPSTREAM, m.kind());
    assertTrue(m.getMessage().contains("outbound|80||ratings has 0 endpoint(s)"), m.getMessage());
  }
}
