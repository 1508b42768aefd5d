package dev.meshwork.http.it;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.telemetry.MetricNaming;
import dev.meshwork.core.telemetry.TelemetryOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 5, test 2 (HTTP half) and the HTTP part of test 1: exact meter counts and span shapes. */
class HttpTelemetryIT {
  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  static final String CONFIG = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http:
        - name: aborted
          match:
          - uri:
              prefix: /abort
          fault:
            abort:
              httpStatus: 418
              percentage:
                value: 100
          route:
          - destination:
              host: reviews
              subset: v1
        - name: ok
          route:
          - destination:
              host: reviews
              subset: v1
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
      spec:
        host: reviews
        subsets:
        - name: v1
          labels: {version: v1}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: ratings
      spec:
        hosts: [ratings]
        http:
        - name: failing
          route:
          - destination:
              host: ratings
          retries:
            attempts: 0
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: flaky
      spec:
        hosts: [flaky]
        http:
        - name: retried
          route:
          - destination:
              host: flaky
          retries:
            attempts: 1
            retryOn: 5xx
      """;

  @TempDir Path tmp;
  HttpMesh mesh;
  WireMockServer flaky;
  SimpleMeterRegistry simple;
  PrometheusMeterRegistry prometheus;
  OkHttpClient client;

  @BeforeEach
  void setUp() throws Exception {
    mesh = new HttpMesh(tmp);
    mesh.upstream("reviews", "reviews-v1", Map.of("version", "v1"));
    mesh.upstream("ratings", "ratings-down", Map.of(), 503, true);
    flaky = mesh.upstream("flaky", "flaky-1", Map.of(), new FailEveryOther());
    mesh.apply("mesh.yaml", CONFIG);
    simple = new SimpleMeterRegistry();
    prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MeterRegistry registry = new CompositeMeterRegistry().add(simple).add(prometheus);
    client = mesh.client(MeshOptions.DEFAULTS.withMeterRegistry(registry).withTelemetry(TelemetryOptions.DEFAULTS
        .withNaming(MetricNaming.OPENTELEMETRY, MetricNaming.ISTIO).withOpenTelemetry(otel.getOpenTelemetry())))
        .client();
    // FailEveryOther fails its 2nd, 4th... request: one request outside the mesh makes every mesh
    // call's first attempt fail and its retry succeed.
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + flaky.port() + "/warm").toURL()
        .openConnection();
    assertEquals(200, c.getResponseCode());
    c.disconnect();
  }

  @AfterEach
  void tearDown() {
    mesh.close();
  }

  double otelCount(String destination, String status, String retried, String flags) {
    var t = simple.find("http.client.request.duration").tags("mesh.destination", destination,
        "http.response.status_code", status, "mesh.retried", retried, "mesh.response_flags", flags).timer();
    return t == null ? 0 : t.count();
  }

  double istioCount(String service, String version, String code, String flags) {
    var c = simple.find("istio.requests").tags("reporter", "source", "source_workload", "test-client",
        "destination_service", service + ".default.svc.cluster.local", "destination_version", version,
        "response_code", code, "response_flags", flags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void knownCallMix_metersCountExactlyThoseCalls_perTagSet() {
    for (int i = 0; i < 50; i++) {
      assertEquals("reviews-v1", HttpMesh.get(client, "http://reviews/reviews/" + i, Map.of()));
    }
    for (int i = 0; i < 20; i++) {
      assertEquals("HTTP 503", HttpMesh.get(client, "http://ratings/ratings/" + i, Map.of()));
    }
    for (int i = 0; i < 10; i++) {
      assertEquals("HTTP 418", HttpMesh.get(client, "http://reviews/abort/" + i, Map.of()));
    }
    for (int i = 0; i < 10; i++) {
      assertEquals("flaky-1", HttpMesh.get(client, "http://flaky/f/" + i, Map.of()));
    }

    // OpenTelemetry names.
    assertEquals(50, otelCount("reviews", "200", "false", "-"));
    assertEquals(20, otelCount("ratings", "503", "false", "-"));
    assertEquals(10, otelCount("reviews", "418", "false", "FI"));
    assertEquals(10, otelCount("flaky", "200", "true", "-"));
    assertEquals(90, simple.find("http.client.request.duration").timers().stream().mapToLong(t -> t.count()).sum());
    assertEquals("v1", simple.get("http.client.request.duration").tag("mesh.destination", "reviews")
        .tag("http.response.status_code", "200").timer().getId().getTag("mesh.subset"));
    assertEquals("ok", simple.get("http.client.request.duration").tag("http.response.status_code", "200")
        .tag("mesh.destination", "reviews").timer().getId().getTag("mesh.route"));

    // Istio names and labels.
    assertEquals(50, istioCount("reviews", "v1", "200", "-"));
    assertEquals(20, istioCount("ratings", "unknown", "503", "-"));
    assertEquals(10, istioCount("reviews", "v1", "418", "FI"));
    assertEquals(10, istioCount("flaky", "unknown", "200", "-"));
    assertEquals(90, simple.find("istio.requests").counters().stream().mapToDouble(c -> c.count()).sum());
    assertEquals(90, simple.find("istio.request.duration").summaries().stream().mapToLong(s -> s.count()).sum());
    String scrape = prometheus.scrape();
    assertTrue(scrape.lines().anyMatch(l -> l.startsWith("istio_requests_total{")
        && l.contains("destination_service=\"reviews.default.svc.cluster.local\"") && l.contains("response_code=\"200\"")
        && l.endsWith(" 50.0")), scrape);
    assertTrue(scrape.contains("istio_request_duration_milliseconds_bucket{"), "Istio's duration histogram");
    assertTrue(scrape.contains("http_client_request_duration_seconds_count{"), "OTel's duration histogram");
    // The semantic conventions' advised boundaries (0 aside), not Micrometer's ~70 generic ones:
    // each series of this histogram costs Prometheus one sample per bucket.
    assertEquals(List.of("0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.25", "0.5", "0.75", "1.0", "2.5", "5.0",
        "7.5", "10.0", "+Inf"), bucketBounds(scrape, "http_client_request_duration_seconds_bucket{",
        "mesh_destination=\"reviews\"", "http_response_status_code=\"200\""));

    // Mesh internals: one retry per flaky call, none elsewhere; the control plane connection is up.
    assertEquals(10, simple.get("meshwork.retries").tag("destination", "flaky").counter().count());
    assertEquals(1, simple.find("meshwork.retries").counters().size(), "only flaky retried");
    assertNull(simple.find("meshwork.retry.budget.exhausted").counter());
    assertNull(simple.find("meshwork.circuit.breaker.rejections").counter());
    assertEquals(1, simple.get("meshwork.xds.connected").gauge().value());
    assertTrue(simple.get("meshwork.xds.acks").tag("type", "Cluster").counter().count() >= 1);
    assertTrue(simple.get("meshwork.xds.acks").tag("type", "RouteConfiguration").counter().count() >= 1);
    assertNull(simple.find("meshwork.xds.nacks").counter());
    assertEquals(0, simple.get("meshwork.requests.active").tag("service", "reviews").gauge().value());
  }

  @Test
  void retriedCall_oneClientSpan_twoAttemptSpans_upstreamSawTheAttemptsTraceparent() {
    assertEquals("flaky-1", HttpMesh.get(client, "http://flaky/traced", Map.of()));

    List<SpanData> spans = otel.getSpans();
    assertEquals(3, spans.size(), spans.toString());
    SpanData call = spans.stream().filter(s -> !s.getParentSpanContext().isValid()).findFirst().orElseThrow();
    assertEquals(SpanKind.CLIENT, call.getKind());
    assertEquals("retried", call.getAttributes().get(AttributeKey.stringKey("meshwork.route")));
    assertEquals(2L, call.getAttributes().get(AttributeKey.longKey("meshwork.attempts")));
    assertEquals(200L, call.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
    List<SpanData> attempts = spans.stream().filter(s -> s.getParentSpanContext().isValid())
        .sorted(java.util.Comparator.comparing(s -> s.getAttributes().get(AttributeKey.longKey("meshwork.attempt"))))
        .toList();
    assertEquals(2, attempts.size());
    String endpoint = "127.0.0.1:" + flaky.port();
    List<LoggedRequest> seen = flaky.findAll(getRequestedFor(urlEqualTo("/traced")));
    assertEquals(2, seen.size());
    for (int i = 0; i < 2; i++) {
      SpanData a = attempts.get(i);
      assertEquals(call.getSpanId(), a.getParentSpanId());
      assertEquals(call.getTraceId(), a.getTraceId());
      assertEquals(SpanKind.CLIENT, a.getKind());
      assertEquals(i + 1L, a.getAttributes().get(AttributeKey.longKey("meshwork.attempt")));
      assertEquals(endpoint, a.getAttributes().get(AttributeKey.stringKey("meshwork.endpoint")));
      assertTrue(a.getAttributes().get(AttributeKey.stringKey("meshwork.cluster")).endsWith("|flaky"));
      assertEquals("", a.getAttributes().get(AttributeKey.stringKey("meshwork.subset")));
      String traceparent = seen.get(i).getHeader("traceparent");
      assertTrue(traceparent.startsWith("00-" + a.getTraceId() + "-" + a.getSpanId() + "-"),
          "attempt " + (i + 1) + " carried " + traceparent);
    }
    assertNull(attempts.get(0).getAttributes().get(AttributeKey.longKey("http.request.resend_count")));
    assertEquals(1L, attempts.get(1).getAttributes().get(AttributeKey.longKey("http.request.resend_count")));
    assertEquals(503L, attempts.get(0).getAttributes().get(AttributeKey.longKey("http.response.status_code")));
    assertEquals(StatusCode.ERROR, attempts.get(0).getStatus().getStatusCode());
    assertEquals(200L, attempts.get(1).getAttributes().get(AttributeKey.longKey("http.response.status_code")));
    assertEquals(StatusCode.UNSET, attempts.get(1).getStatus().getStatusCode());
  }

  @Test
  void rateLimitedCalls_flaggedRL_andCounted() {
    mesh.upstream("limited", "limited-1", Map.of());
    mesh.apply("limited.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: limited
          annotations:
            ratelimit.meshwork.dev/local: "1/60s"
        spec:
          hosts: [limited]
          http:
          - name: limited-all
            route:
            - destination: {host: limited}
        """);
    int rejected = 0;
    for (int i = 0; i < 5; i++) {
      HttpMesh.Outcome o = HttpMesh.call(client, "http://limited/x");
      if (!o.ok()) {
        assertTrue(o.failure() instanceof dev.meshwork.core.engine.MeshRejectedException, String.valueOf(o));
        rejected++;
      }
    }
    assertEquals(4, rejected, "a bucket of one token for a minute");
    assertEquals(4, simple.get("meshwork.rate.limited").tags("destination", "limited", "route", "limited-all")
        .counter().count());
    assertEquals(4, otelCount("limited", "0", "false", "RL"));
    assertEquals("MeshRejectedException", simple.get("http.client.request.duration")
        .tags("mesh.destination", "limited", "mesh.response_flags", "RL").timer().getId().getTag("error.type"));
    assertEquals(4, istioCount("limited", "unknown", "429", "RL"), "Envoy's local reply code for RL");
    assertEquals(1, istioCount("limited", "unknown", "200", "-"));
  }

  /** The {@code le} values, in scrape order, of the first series of {@code bucketPrefix} whose labels contain all of {@code labels}. */
  private static List<String> bucketBounds(String scrape, String bucketPrefix, String... labels) {
    List<String> buckets = scrape.lines().filter(l -> l.startsWith(bucketPrefix))
        .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains)).toList();
    assertTrue(!buckets.isEmpty(), scrape);
    String series = seriesOf(buckets.get(0));
    return buckets.stream().filter(l -> seriesOf(l).equals(series))
        .map(l -> l.replaceAll(".*le=\"([^\"]*)\".*", "$1")).toList();
  }

  /** A bucket sample's series: its line without the {@code le} label and the value. */
  private static String seriesOf(String bucketLine) {
    return bucketLine.replaceAll(",?le=\"[^\"]*\"", "").replaceAll(" \\S+$", "");
  }
}
