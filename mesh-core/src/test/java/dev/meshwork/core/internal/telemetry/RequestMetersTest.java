package dev.meshwork.core.internal.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshwork.core.telemetry.MetricNaming;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RequestMetersTest {
  static CallRecord call(String code, String flags, int attempts, String errorType) {
    return new CallRecord(true, "http", "productpage", "default", "reviews", "default", "GET", "/r/1", "r1",
        "outbound|80|v2|reviews", "v2", "10.0.0.1:9080", attempts, code, flags, errorType, false, "", 2_000_000,
        "");
  }

  static Map<String, String> tags(Meter m) {
    Map<String, String> t = new TreeMap<>();
    for (Tag tag : m.getId().getTags()) {
      t.put(tag.getKey(), tag.getValue());
    }
    return t;
  }

  @Test
  void openTelemetryNaming_httpClientDuration_withSemconvAndMeshTags() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    RequestMeters m = new RequestMeters(r, Set.of(MetricNaming.OPENTELEMETRY), false);
    m.record(call("200", "-", 1, ""));
    m.record(call("200", "-", 1, ""));
    m.record(call("503", "URX", 3, ""));
    var ok = r.get("http.client.request.duration").tag("http.response.status_code", "200").timer();
    assertEquals(2, ok.count());
    assertEquals(Map.of("http.request.method", "GET", "http.response.status_code", "200", "error.type", "",
        "mesh.source", "productpage", "mesh.destination", "reviews", "mesh.route", "r1", "mesh.subset", "v2",
        "mesh.retried", "false", "mesh.response_flags", "-"), tags(ok));
    var failed = r.get("http.client.request.duration").tag("http.response.status_code", "503").timer();
    assertEquals(1, failed.count());
    assertEquals("true", tags(failed).get("mesh.retried"));
    assertEquals("URX", tags(failed).get("mesh.response_flags"));
    assertNull(r.find("istio.requests").counter(), "Istio names only when asked for");
  }

  @Test
  void istioNaming_requestsTotalAndDuration_withIstioLabels() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    RequestMeters m = new RequestMeters(r, Set.of(MetricNaming.ISTIO), false);
    m.record(call("200", "-", 1, ""));
    m.record(call("0", "UO", 1, "MeshRejectedException"));
    m.record(call("0", "NR", 1, "MeshRejectedException"));
    var ok = r.get("istio.requests").tag("response_code", "200").counter();
    assertEquals(1, ok.count());
    Map<String, String> t = tags(ok);
    assertEquals("source", t.get("reporter"));
    assertEquals("productpage", t.get("source_workload"));
    assertEquals("reviews.default.svc.cluster.local", t.get("destination_service"));
    assertEquals("reviews", t.get("destination_service_name"));
    assertEquals("v2", t.get("destination_version"));
    assertEquals("-", t.get("response_flags"));
    assertEquals("http", t.get("request_protocol"));
    assertEquals(18, t.size());
    // Refusals report the code Envoy's local reply would have carried.
    assertEquals(1, r.get("istio.requests").tags("response_code", "503", "response_flags", "UO").counter().count());
    assertEquals(1, r.get("istio.requests").tags("response_code", "404", "response_flags", "NR").counter().count());
    var d = r.get("istio.request.duration").tag("response_code", "200").summary();
    assertEquals(1, d.count());
    assertEquals(2.0, d.totalAmount(), 1e-9, "milliseconds");
    assertNull(r.find("http.client.request.duration").timer());
  }

  @Test
  void endpointTags_areOptIn() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    new RequestMeters(r, Set.of(MetricNaming.OPENTELEMETRY, MetricNaming.ISTIO), true).record(call("200", "-", 1, ""));
    assertEquals("10.0.0.1:9080", tags(r.get("http.client.request.duration").timer()).get("mesh.endpoint"));
    assertEquals("10.0.0.1:9080", tags(r.get("istio.requests").counter()).get("destination_endpoint"));
  }

  @Test
  void manyCombinations_fromManyThreads_eachCountedOnItsOwnMeter() throws Exception {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    RequestMeters m = new RequestMeters(r, Set.of(MetricNaming.OPENTELEMETRY), false);
    int codes = 300; // well past the index's first size, so it grows while others read it
    int threads = 4;
    int rounds = 20;
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    List<Thread> ts = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < rounds; i++) {
          for (int c = 0; c < codes; c++) {
            // distinct String instances each time: matched by value, not identity
            m.record(call(new String(Integer.toString(100 + c)), "-", 1, ""));
          }
        }
      });
      th.start();
      ts.add(th);
    }
    go.countDown();
    for (Thread th : ts) {
      th.join();
    }
    var timers = r.find("http.client.request.duration").timers();
    assertEquals(codes, timers.size());
    for (var timer : timers) {
      assertEquals(threads * rounds, timer.count(), timer.getId().toString());
    }
  }

  @Test
  void localReplyCode_onlyReplacesAMissingResponse() {
    assertEquals("503", RequestMeters.localReplyCode("503", "URX"));
    assertEquals("0", RequestMeters.localReplyCode("0", "-"));
    assertEquals("429", RequestMeters.localReplyCode("0", "RL"));
    assertEquals("504", RequestMeters.localReplyCode("0", "UT"));
    assertEquals("503", RequestMeters.localReplyCode("0", "UF"));
    assertEquals("503", RequestMeters.localReplyCode("0", "UF,URX"));
    assertEquals("504", RequestMeters.localReplyCode("0", "UT,DI"), "the timeout decides, not the delay");
    assertEquals("0", RequestMeters.localReplyCode("0", "DI,DC"), "nothing answers a caller that left");
  }
}
