package dev.meshwork.core.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Upstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-call cost cuts for sampled-out spans (attributes a dropped span would discard are not
 * computed, the sampler gets attributes only when asked, a sampled-out call has no attempt spans)
 * keep every attribute on any span that does record, and keep the per-call allocation bounded.
 */
class SampledOutTelemetryTest {
  static final MeshSettings SETTINGS = MeshSettings.builder().controlPlane("127.0.0.1:1").service("productpage")
      .build();

  /** Records the spans {@code sampler} keeps. */
  static OpenTelemetrySdk sdk(Sampler sampler, InMemorySpanExporter exporter) {
    return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().setSampler(sampler)
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
  }

  /** Not parent-based: drops root spans (the logical call), samples their children (the attempts). */
  static final Sampler CHILDREN_ONLY = new Sampler() {
    @Override
    public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
        Attributes attributes, List<LinkData> links) {
      return Span.fromContext(parent).getSpanContext().isValid() ? SamplingResult.recordAndSample()
          : SamplingResult.drop();
    }

    @Override
    public String getDescription() {
      return "children only";
    }
  };

  /** Two attempts (the second a resend) to IPv4 and IPv6 endpoints; returns the injected headers. */
  static List<Map<String, String>> retriedCall(MeshTelemetry t, boolean byUpstream) {
    ClientObservation c = t.startClient("http", "reviews", "GET", "/reviews/1?x=1");
    c.route("r1", "outbound|80|v2|reviews");
    Upstream[] ups = {new Upstream("outbound|80|v2|reviews", "10.0.0.1", 9080),
        new Upstream("outbound|80|v2|reviews", "fd00::2", 9080)};
    List<Map<String, String>> sent = new java.util.ArrayList<>();
    for (Upstream u : ups) {
      AttemptObservation a = byUpstream ? c.attempt(u) : c.attempt(u.cluster(), u.hostPort());
      Map<String, String> h = new HashMap<>();
      a.inject(h, Map::put);
      sent.add(h);
      a.end(u == ups[0] ? "503" : "200", null);
    }
    c.end("200", null);
    return sent;
  }

  /** The W3C trace flags' sampled bit (the SDK may set others, such as random). */
  static boolean sampled(String traceparent) {
    return (Integer.parseInt(traceparent.substring(traceparent.length() - 2), 16) & 1) == 1;
  }

  static List<SpanData> attempts(InMemorySpanExporter exporter) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getParentSpanContext().isValid()).toList();
  }

  /**
   * One sampling decision per call, as Envoy makes one per request: under a sampled-out call no
   * attempt span starts, even with a sampler that would keep it, and every attempt sends the call's
   * own span context downstream, not sampled.
   */
  @Test
  void sampledOutCall_hasNoAttemptSpans_andAttemptsCarryTheCallsContext() {
    InMemorySpanExporter children = InMemorySpanExporter.create();
    List<SpanContextSeen> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (OpenTelemetrySdk some = sdk(recording(CHILDREN_ONLY, seen), children)) {
      List<Map<String, String>> sent = retriedCall(MeshTelemetry.create(SETTINGS,
          TelemetryOptions.DEFAULTS.withOpenTelemetry(some), new SimpleMeterRegistry()), true);

      assertTrue(children.getFinishedSpanItems().isEmpty(), "spans: " + children.getFinishedSpanItems());
      assertEquals(1, seen.size(), "the sampler is asked once, for the call: " + seen);
      String first = sent.get(0).get("traceparent");
      assertEquals(first, sent.get(1).get("traceparent"), "both attempts carry the call's context");
      assertFalse(sampled(first), first);
      assertTrue(first.contains("-" + seen.get(0).traceId() + "-"), first);
    }
  }

  /** What a sampler was asked. */
  record SpanContextSeen(String traceId, String name, SpanKind kind, Attributes attributes) {}

  /** {@code sampler}, noting every question into {@code seen}. */
  static Sampler recording(Sampler sampler, List<SpanContextSeen> seen) {
    return new Sampler() {
      @Override
      public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
          Attributes attributes, List<LinkData> links) {
        seen.add(new SpanContextSeen(traceId, name, kind, attributes));
        return sampler.shouldSample(parent, traceId, name, kind, attributes, links);
      }

      @Override
      public String getDescription() {
        return sampler.getDescription();
      }
    };
  }

  /**
   * {@code withSamplerAttributes(true)} shows the sampler the call's and the server span's
   * attributes at start; by default it sees none. Either way a recorded span ends with the same
   * attributes.
   */
  @Test
  void samplerAttributes_reachTheSamplerOnlyWhenAsked_andRecordedSpansAreTheSame() {
    InMemorySpanExporter plain = InMemorySpanExporter.create();
    InMemorySpanExporter asked = InMemorySpanExporter.create();
    List<SpanContextSeen> plainSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<SpanContextSeen> askedSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (OpenTelemetrySdk a = sdk(recording(Sampler.alwaysOn(), plainSeen), plain);
        OpenTelemetrySdk b = sdk(recording(Sampler.alwaysOn(), askedSeen), asked)) {
      MeshTelemetry byDefault = MeshTelemetry.create(SETTINGS, TelemetryOptions.DEFAULTS.withOpenTelemetry(a),
          new SimpleMeterRegistry());
      MeshTelemetry withAttributes = MeshTelemetry.create(SETTINGS,
          TelemetryOptions.DEFAULTS.withOpenTelemetry(b).withSamplerAttributes(true), new SimpleMeterRegistry());
      for (MeshTelemetry t : List.of(byDefault, withAttributes)) {
        retriedCall(t, true);
        t.startServer("GET", "/ratings/7", Map.<String, String>of()::get, "spiffe://cluster.local/ns/default/sa/reviews")
            .end("200", null);
      }

      SpanContextSeen call = askedSeen.get(0);
      assertEquals(SpanKind.CLIENT, call.kind());
      assertEquals("GET", call.attributes().get(Spans.HTTP_METHOD));
      assertEquals("/reviews/1", call.attributes().get(Spans.URL_PATH));
      assertEquals("reviews", call.attributes().get(Spans.SERVER_ADDRESS));
      SpanContextSeen server = askedSeen.get(askedSeen.size() - 1);
      assertEquals(SpanKind.SERVER, server.kind());
      assertEquals("/ratings/7", server.attributes().get(Spans.URL_PATH));
      assertEquals("spiffe://cluster.local/ns/default/sa/reviews", server.attributes().get(Spans.PEER_PRINCIPAL));
      assertTrue(plainSeen.get(0).attributes().isEmpty(), "by default: " + plainSeen.get(0));
      assertTrue(plainSeen.get(plainSeen.size() - 1).attributes().isEmpty());

      List<SpanData> x = plain.getFinishedSpanItems();
      List<SpanData> y = asked.getFinishedSpanItems();
      assertEquals(4, x.size(), "call, two attempts, server: " + x);
      assertEquals(x.size(), y.size());
      for (int i = 0; i < x.size(); i++) {
        assertEquals(y.get(i).getKind(), x.get(i).getKind());
        assertEquals(y.get(i).getAttributes().asMap(), x.get(i).getAttributes().asMap(), x.get(i).getName());
      }
      assertEquals("/reviews/1", x.get(2).getAttributes().get(Spans.URL_PATH), "the call span's own attributes");
    }
  }

  @Test
  void attemptByUpstream_recordsWhatAttemptByEndpointStringRecords() {
    InMemorySpanExporter byString = InMemorySpanExporter.create();
    InMemorySpanExporter byUpstream = InMemorySpanExporter.create();
    try (OpenTelemetrySdk a = sdk(Sampler.alwaysOn(), byString); OpenTelemetrySdk b = sdk(Sampler.alwaysOn(),
        byUpstream)) {
      retriedCall(MeshTelemetry.create(SETTINGS, TelemetryOptions.DEFAULTS.withOpenTelemetry(a),
          new SimpleMeterRegistry()), false);
      retriedCall(MeshTelemetry.create(SETTINGS, TelemetryOptions.DEFAULTS.withOpenTelemetry(b),
          new SimpleMeterRegistry()), true);
      List<SpanData> x = byString.getFinishedSpanItems();
      List<SpanData> y = byUpstream.getFinishedSpanItems();
      assertEquals(3, x.size());
      for (int i = 0; i < x.size(); i++) {
        assertEquals(x.get(i).getAttributes().asMap(), y.get(i).getAttributes().asMap());
      }
    }
  }

  @Test
  void sampledOutCall_recordsMetrics_andNoSpans() {
    InMemorySpanExporter none = InMemorySpanExporter.create();
    try (OpenTelemetrySdk off = sdk(Sampler.alwaysOff(), none)) {
      SimpleMeterRegistry r = new SimpleMeterRegistry();
      List<Map<String, String>> sent = retriedCall(MeshTelemetry.create(SETTINGS,
          TelemetryOptions.DEFAULTS.withOpenTelemetry(off).withNaming(MetricNaming.OPENTELEMETRY, MetricNaming.ISTIO),
          r), true);
      assertTrue(none.getFinishedSpanItems().isEmpty());
      assertFalse(sampled(sent.get(0).get("traceparent")), "the drop decision travels downstream: " + sent);
      assertEquals(1, r.get("http.client.request.duration").tag("mesh.subset", "v2").tag("mesh.retried", "true")
          .timer().count());
      assertEquals(1, r.get("istio.requests").tag("destination_version", "v2").counter().count());
    }
  }

  /**
   * Target 4's allocation bound for what telemetry adds per call (the benchmark measures it with the
   * engine): metrics on under both namings, with no tracing SDK and with an SDK that samples every
   * span out (whose own span start, ids and span context, is most of the difference), at most
   * 512 B per call.
   */
  @Test
  void meteredCall_allocationPerCall_isBounded() {
    TelemetryOptions metrics = TelemetryOptions.DEFAULTS.withNaming(MetricNaming.OPENTELEMETRY, MetricNaming.ISTIO);
    long noSdk = bytesPerCall(MeshTelemetry.create(SETTINGS, metrics.withOpenTelemetry(OpenTelemetry.noop()),
        new SimpleMeterRegistry()));
    long sampledOut;
    try (OpenTelemetrySdk off = sdk(Sampler.alwaysOff(), InMemorySpanExporter.create())) {
      sampledOut = bytesPerCall(MeshTelemetry.create(SETTINGS, metrics.withOpenTelemetry(off),
          new SimpleMeterRegistry()));
    }
    System.out.printf("telemetry per call: %d B without an SDK, %d B with spans sampled out%n", noSdk, sampledOut);
    assertTrue(noSdk <= 512, "metrics without an SDK allocated " + noSdk + " B per call");
    assertTrue(sampledOut <= 512, "metrics with sampled-out spans allocated " + sampledOut + " B per call");
    assertFalse(noSdk == 0 && sampledOut == 0, "allocation is being measured");
  }

  private static long bytesPerCall(MeshTelemetry t) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    Upstream upstream = new Upstream("outbound|80|v1|reviews", "127.0.0.1", 8080);
    observe(t, upstream, 50_000); // warm up: class loading and JIT allocate
    int calls = 100_000;
    long before = threads.getThreadAllocatedBytes(self);
    observe(t, upstream, calls);
    return (threads.getThreadAllocatedBytes(self) - before) / calls;
  }

  private static void observe(MeshTelemetry t, Upstream upstream, int calls) {
    for (int i = 0; i < calls; i++) {
      ClientObservation call = t.startClient("http", "reviews", "GET", "/reviews/1");
      call.route("default", "outbound|80|v1|reviews");
      AttemptObservation attempt = call.attempt(upstream);
      attempt.end("200", null);
      call.end("200", null);
    }
  }
}
