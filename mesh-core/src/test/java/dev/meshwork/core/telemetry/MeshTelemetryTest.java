package dev.meshwork.core.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.MeshSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MeshTelemetryTest {
  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  static final MeshSettings SETTINGS = MeshSettings.builder().controlPlane("127.0.0.1:1").service("productpage")
      .build();

  MeshTelemetry telemetry(TelemetryOptions o, SimpleMeterRegistry r) {
    return MeshTelemetry.create(SETTINGS, o, r);
  }

  @Test
  void disabled_handsOutSharedNoops_andRecordsNothing() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    MeshTelemetry t = telemetry(TelemetryOptions.DISABLED.withOpenTelemetry(otel.getOpenTelemetry()), r);
    ClientObservation c = t.startClient("http", "reviews", "GET", "/");
    assertSame(ClientObservation.noop(), c);
    assertFalse(c.isRecording());
    c.route("r", "outbound|80|v1|reviews");
    AttemptObservation a = c.attempt("outbound|80|v1|reviews", "10.0.0.1:80");
    assertSame(AttemptObservation.noop(), a);
    Map<String, String> headers = new HashMap<>();
    a.inject(headers, Map::put);
    a.end("200", null);
    c.end("200", null);
    assertSame(ServerObservation.NOOP, t.startServer("GET", "/", headers::get, null));
    assertTrue(headers.isEmpty());
    assertTrue(r.getMeters().isEmpty());
    assertTrue(otel.getSpans().isEmpty());
  }

  @Test
  void retriedCall_oneClientSpan_twoAttemptChildren_headersNameTheAttempt() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    MeshTelemetry t = telemetry(TelemetryOptions.DEFAULTS.withOpenTelemetry(otel.getOpenTelemetry()), r);
    ClientObservation c = t.startClient("http", "reviews", "GET", "/reviews/1?x=1");
    c.route("r1", "outbound|80|v2|reviews");
    List<Map<String, String>> sent = new java.util.ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      AttemptObservation a = c.attempt("outbound|80|v2|reviews", "10.0.0." + i + ":9080");
      Map<String, String> h = new HashMap<>();
      a.inject(h, Map::put);
      sent.add(h);
      a.end(i == 1 ? "503" : "200", null);
    }
    c.end("200", null);

    List<SpanData> spans = otel.getSpans();
    assertEquals(3, spans.size());
    SpanData call = spans.stream().filter(s -> !s.getParentSpanContext().isValid()).findFirst().orElseThrow();
    assertEquals(SpanKind.CLIENT, call.getKind());
    assertEquals("GET", call.getName());
    assertEquals(2L, call.getAttributes().get(AttributeKey.longKey("meshwork.attempts")));
    assertEquals("r1", call.getAttributes().get(AttributeKey.stringKey("meshwork.route")));
    assertEquals("/reviews/1", call.getAttributes().get(AttributeKey.stringKey("url.path")));
    List<SpanData> attempts = spans.stream().filter(s -> s.getParentSpanContext().isValid()).toList();
    assertEquals(2, attempts.size());
    for (int i = 0; i < 2; i++) {
      SpanData a = attempts.get(i);
      assertEquals(call.getSpanId(), a.getParentSpanId());
      assertEquals(call.getTraceId(), a.getTraceId());
      assertEquals(SpanKind.CLIENT, a.getKind());
      assertEquals(i + 1L, a.getAttributes().get(AttributeKey.longKey("meshwork.attempt")));
      assertEquals("v2", a.getAttributes().get(AttributeKey.stringKey("meshwork.subset")));
      assertEquals("10.0.0." + (i + 1) + ":9080", a.getAttributes().get(AttributeKey.stringKey("meshwork.endpoint")));
      assertTrue(sent.get(i).get("traceparent").startsWith("00-" + a.getTraceId() + "-" + a.getSpanId() + "-"));
    }
    assertNull(attempts.get(0).getAttributes().get(AttributeKey.longKey("http.request.resend_count")));
    assertEquals(1L, attempts.get(1).getAttributes().get(AttributeKey.longKey("http.request.resend_count")));
    assertEquals(StatusCode.ERROR, attempts.get(0).getStatus().getStatusCode());
    assertEquals(503L, attempts.get(0).getAttributes().get(AttributeKey.longKey("http.response.status_code")));
    assertEquals(StatusCode.UNSET, call.getStatus().getStatusCode());
    assertEquals(1, r.get("http.client.request.duration").tag("mesh.retried", "true").timer().count());
    assertEquals(0, r.get("meshwork.requests.active").gauge().value());
  }

  @Test
  void serverSpan_continuesTheCallersTrace_fromAHeaderLookup() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    MeshTelemetry t = telemetry(TelemetryOptions.DEFAULTS.withOpenTelemetry(otel.getOpenTelemetry()), r);
    String trace = "0af7651916cd43dd8448eb211c80319c";
    Map<String, String> headers = Map.of("traceparent", "00-" + trace + "-b7ad6b7169203331-01");
    ServerObservation s = t.startServer("GET", "/ratings/1", headers::get, null);
    s.end("200", null);
    SpanData span = otel.getSpans().get(0);
    assertEquals(SpanKind.SERVER, span.getKind());
    assertEquals(trace, span.getTraceId());
    assertEquals("b7ad6b7169203331", span.getParentSpanId());
    assertEquals(1, r.get("http.server.request.duration").timer().count());
  }
}
