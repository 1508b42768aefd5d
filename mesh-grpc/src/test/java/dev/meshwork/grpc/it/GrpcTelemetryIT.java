package dev.meshwork.grpc.it;

import static dev.meshwork.grpc.it.MeshFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.telemetry.MeshTelemetry;
import dev.meshwork.core.telemetry.MetricNaming;
import dev.meshwork.core.telemetry.TelemetryOptions;
import dev.meshwork.grpc.MeshChannels;
import dev.meshwork.grpc.it.TelemetryServer.Mode;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telemetry of real grpc-xds calls between {@link MeshChannels} and {@code MeshServers} on
 * loopback: exact request counts per tag set (OpenTelemetry and Istio names, both reporters), the
 * spans of a call retried by grpc-xds, baggage in the server handler, access log lines.
 */
class GrpcTelemetryIT {
  static final String VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: %1$s
      spec:
        hosts: [%1$s]
        http:
        - route:
          - destination:
              host: %1$s
          retries:
            attempts: %2$d
      """;
  static final String RETRY_ON = "      retryOn: unavailable\n";

  @TempDir Path tmp;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();
  final TelemetryOptions options = TelemetryOptions.DEFAULTS.withNaming(MetricNaming.OPENTELEMETRY, MetricNaming.ISTIO)
      .withOpenTelemetry(otel).withAccessLog(true);

  @Test
  void knownCallMix_exactCountsPerTagSet_retriedCallTraced_baggageReachesHandler_accessLogged() throws Exception {
    try (MeshFixture mesh = new MeshFixture(tmp);
        TelemetryServer ratings = server(mesh, "ratings", Mode.OK);
        TelemetryServer broken = server(mesh, "broken", Mode.FAIL_ALL);
        TelemetryServer flaky = server(mesh, "flaky", Mode.FAIL_FIRST_ATTEMPT);
        Mesh client = Mesh.start(mesh.clientSettings("productpage"),
            MeshOptions.DEFAULTS.withMeterRegistry(registry).withTelemetry(options))) {
      mesh.applyConfig("vs.yaml", VS.formatted("broken", 0) + "---\n" + VS.formatted("flaky", 2) + RETRY_ON
          + "---\n" + VS.formatted("ratings", 0));
      // warm up on other channels (not this registry's client side) until every server is reached
      mesh.awaitServedBy(mesh.channel("ratings"), Map.of(), "ratings-1|null");
      mesh.awaitServedBy(mesh.channel("flaky"), Map.of(), "flaky-1|null");
      ManagedChannel warmBroken = mesh.channel("broken");
      await("broken reached", () -> {
        try {
          Echo.who(warmBroken);
        } catch (StatusRuntimeException e) {
          // expected: it always fails
        }
        return broken.handlerSpans.size() > 0;
      }, 15_000);
      List<TelemetryServer> servers = List.of(ratings, broken, flaky);
      // No warm-up stream still open (a server closes its stream after the client has its answer):
      // a late one would land in the measured counts.
      await("warm-up calls closed and recorded", () -> servers.stream().allMatch(s -> s.opened.get() == s.closed.get())
          && serverTotal() == servers.stream().mapToLong(s -> s.closed.get()).sum(), 15_000);
      Map<String, Long> clientBefore = otelCounts("rpc.client.duration");
      Map<String, Long> serverBefore = otelCounts("rpc.server.duration");
      Map<String, Long> istioBefore = istioCounts();
      long closedBefore = servers.stream().mapToLong(s -> s.closed.get()).sum();

      ByteArrayOutputStream log = new ByteArrayOutputStream();
      PrintStream err = System.err;
      System.setErr(new PrintStream(new TeeStream(err, log), true, StandardCharsets.UTF_8));
      Span root;
      String tracedReply;
      try {
        ManagedChannel toRatings = MeshChannels.forService(client, "ratings");
        ManagedChannel toBroken = MeshChannels.forService(client, "broken");
        ManagedChannel toFlaky = MeshChannels.forService(client, "flaky");
        try {
          for (int i = 0; i < 5; i++) {
            assertEquals("ratings-1|null", Echo.who(toRatings));
          }
          for (int i = 0; i < 3; i++) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> Echo.who(toBroken));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
          }
          assertEquals("flaky-1|null", Echo.who(toFlaky));
          assertEquals("flaky-1|null", Echo.who(toFlaky));
          spans.reset();
          flaky.handlerSpans.clear();
          root = otel.getTracer("test").spanBuilder("checkout").startSpan();
          try (Scope s = root.makeCurrent();
              Scope b = Baggage.current().toBuilder().put("user", "alice").build().makeCurrent()) {
            tracedReply = Echo.who(toFlaky);
          } finally {
            root.end();
          }
        } finally {
          toRatings.shutdownNow();
          toBroken.shutdownNow();
          toFlaky.shutdownNow();
        }
        // 5 + 3 + 3 × 2 attempts reached the servers
        await("server side recorded", () -> servers.stream().mapToLong(t -> t.closed.get()).sum() == closedBefore + 14,
            15_000);
      } finally {
        System.setErr(err);
      }

      assertEquals("flaky-1|alice", tracedReply, "the caller's baggage is current in the server handler");
      assertEquals(Map.of(
          "ratings 0 retried=false", 5L,
          "broken 14 retried=false", 3L,
          "flaky 0 retried=true", 3L), delta(clientBefore, otelCounts("rpc.client.duration")));
      assertEquals(Map.of(
          "ratings 0 retried=false", 5L,
          "broken 14 retried=false", 3L,
          "flaky 14 retried=false", 3L,
          "flaky 0 retried=false", 3L), delta(serverBefore, otelCounts("rpc.server.duration")));
      assertEquals(Map.of(
          "source ratings 0 flags=-", 5L,
          "source broken 14 flags=-", 3L,
          "source flaky 0 flags=-", 3L,
          "destination ratings 0 flags=-", 5L,
          "destination broken 14 flags=-", 3L,
          "destination flaky 14 flags=-", 3L,
          "destination flaky 0 flags=-", 3L), delta(istioBefore, istioCounts()));

      assertRetriedCallTrace(root, flaky);

      String lines = log.toString(StandardCharsets.UTF_8);
      assertTrue(lines.contains("\"POST /meshwork.test.Echo/Who HTTP/2\" 0 - "), lines);
      assertTrue(lines.lines().anyMatch(l -> l.contains("direction=outbound") && l.contains("destination=flaky")
          && l.contains("attempts=2") && l.contains("trace_id=" + root.getSpanContext().getTraceId())), lines);
      assertTrue(lines.lines().anyMatch(l -> l.contains("\" 14 - ") && l.contains("direction=inbound")
          && l.contains("destination=broken")), lines);
    }
  }

  @Test
  void callRefusedByTheLocalRateLimit_isFlaggedRL_andNeverReachesTheServer() throws Exception {
    try (MeshFixture mesh = new MeshFixture(tmp);
        TelemetryServer limited = server(mesh, "limited", Mode.OK)) {
      mesh.applyConfig("vs.yaml", """
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata:
            name: limited
            annotations:
              ratelimit.meshwork.dev/local: "1/60s"
          spec:
            hosts: [limited]
            http:
            - route:
              - destination: {host: limited}
          """);
      mesh.awaitServedBy(mesh.channel("limited"), Map.of(), "limited-1|null"); // another mesh, its own bucket
      try (Mesh client = Mesh.start(mesh.clientSettings("productpage"),
          MeshOptions.DEFAULTS.withMeterRegistry(registry).withTelemetry(options))) {
        ManagedChannel ch = MeshChannels.forService(client, "limited");
        Map<String, Integer> outcomes;
        try {
          outcomes = MeshFixture.distribution(ch, Map.of(), 5);
        } finally {
          ch.shutdownNow();
        }
        long ok = outcomes.getOrDefault("limited-1|null", 0);
        long refused = outcomes.getOrDefault("ERROR:UNAVAILABLE", 0);
        assertTrue(ok + refused == 5 && refused >= 3, "1 token a minute: " + outcomes);
        Map<String, Long> source = new TreeMap<>(istioCounts());
        source.keySet().removeIf(k -> !k.startsWith("source "));
        Map<String, Long> expected = new TreeMap<>(Map.of("source limited 14 flags=RL", refused));
        if (ok > 0) {
          expected.put("source limited 0 flags=-", ok);
        }
        assertEquals(expected, source);
      }
    }
  }

  @Test
  void callRefusedByRbac_beforeAnyInterceptor_isStillRecordedByTheServer() throws Exception {
    try (MeshFixture mesh = new MeshFixture(tmp)) {
      mesh.applyConfig("authz.yaml", """
          apiVersion: security.istio.io/v1
          kind: AuthorizationPolicy
          metadata: {name: deny-who, namespace: default}
          spec:
            action: DENY
            rules:
            - to: [{operation: {paths: ["/meshwork.test.Echo/Who"]}}]
          """);
      try (TelemetryServer pay = server(mesh, "pay", Mode.OK)) {
        ManagedChannel ch = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", pay.port).usePlaintext().build();
        try {
          StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> Echo.who(ch));
          assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        } finally {
          ch.shutdownNow();
        }
        await("denied call recorded", () -> pay.closed.get() == 1, 5_000);
        Timer denied = registry.find("rpc.server.duration").tag("rpc.method", "Who").tag("rpc.grpc.status_code", "7")
            .timer();
        assertEquals(1, denied == null ? 0 : denied.count(), registry.getMetersAsString());
        SpanData span = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER)
            .findFirst().orElseThrow();
        assertEquals("meshwork.test.Echo/Who", span.getName());
        assertEquals(io.opentelemetry.api.trace.StatusCode.ERROR, span.getStatus().getStatusCode());
        assertTrue(pay.handlerSpans.isEmpty(), "the handler never ran");
      }
    }
  }

  private void assertRetriedCallTrace(Span root, TelemetryServer flaky) {
    String traceId = root.getSpanContext().getTraceId();
    await("server spans exported", () -> ofTrace(traceId, SpanKind.SERVER).size() == 2, 5_000);
    List<SpanData> clients = ofTrace(traceId, SpanKind.CLIENT);
    List<SpanData> logical = clients.stream()
        .filter(s -> s.getParentSpanId().equals(root.getSpanContext().getSpanId())).toList();
    assertEquals(1, logical.size(), "one logical CLIENT span under the caller's span: " + clients);
    SpanData call = logical.get(0);
    assertEquals("meshwork.test.Echo/Who", call.getName());
    assertEquals(2L, call.getAttributes().get(AttributeKey.longKey("meshwork.attempts")));
    assertEquals(0L, call.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")));
    List<SpanData> attempts = new ArrayList<>(clients.stream()
        .filter(s -> s.getParentSpanId().equals(call.getSpanId())).toList());
    attempts.sort(Comparator.comparing(s -> s.getAttributes().get(AttributeKey.longKey("meshwork.attempt"))));
    assertEquals(2, attempts.size(), "two attempt spans, children of the logical span: " + clients);
    assertEquals(14L, attempts.get(0).getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")));
    assertEquals(0L, attempts.get(1).getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")));
    for (SpanData a : attempts) {
      String cluster = a.getAttributes().get(AttributeKey.stringKey("meshwork.cluster"));
      assertTrue(cluster.startsWith("outbound|") && cluster.endsWith("|flaky"), "cluster: " + cluster);
      assertTrue(a.getAttributes().get(AttributeKey.stringKey("meshwork.endpoint")).startsWith("127.0.0.1:"),
          a.getAttributes().toString());
    }
    for (SpanData server : ofTrace(traceId, SpanKind.SERVER)) {
      long code = server.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"));
      SpanData reached = attempts.get(code == 14 ? 0 : 1);
      assertEquals(reached.getSpanId(), server.getParentSpanId(), "server span's parent is the attempt that reached it");
    }
    SpanData okServer = ofTrace(traceId, SpanKind.SERVER).stream()
        .filter(s -> s.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")) == 0).findFirst().orElseThrow();
    assertEquals(List.of(okServer.getSpanContext().getSpanId()),
        flaky.handlerSpans.stream().map(c -> c.getSpanId()).toList(), "the server span is current in the handler");
  }

  private List<SpanData> ofTrace(String traceId, SpanKind kind) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == kind).toList();
  }

  private TelemetryServer server(MeshFixture mesh, String service, Mode mode) throws Exception {
    return new TelemetryServer(mesh.cp.xdsTarget(), service, service + "-1", mode,
        settings -> MeshTelemetry.create(settings, options, registry));
  }

  /** rpc.*.duration counts by destination, status and retried. */
  private Map<String, Long> otelCounts(String name) {
    Map<String, Long> m = new TreeMap<>();
    for (Meter meter : registry.find(name).meters()) {
      var id = meter.getId();
      m.merge(id.getTag("mesh.destination") + " " + id.getTag("rpc.grpc.status_code") + " retried="
          + id.getTag("mesh.retried"), ((Timer) meter).count(), Long::sum);
    }
    return m;
  }

  /** istio_requests_total (Micrometer name istio.requests) by reporter, destination, gRPC status, flags. */
  private Map<String, Long> istioCounts() {
    Map<String, Long> m = new TreeMap<>();
    for (Meter meter : registry.find("istio.requests").meters()) {
      var id = meter.getId();
      m.merge(id.getTag("reporter") + " " + id.getTag("destination_service_name") + " "
          + id.getTag("grpc_response_status") + " flags=" + id.getTag("response_flags"),
          (long) ((Counter) meter).count(), Long::sum);
    }
    return m;
  }

  private long serverTotal() {
    return registry.find("rpc.server.duration").timers().stream().mapToLong(Timer::count).sum();
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new TreeMap<>();
    after.forEach((k, v) -> {
      long n = v - before.getOrDefault(k, 0L);
      if (n != 0) {
        d.put(k, n);
      }
    });
    return d;
  }

  /** Writes to two streams (to see the access log while it still goes to the console). */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
