package dev.meshwork.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.api.registry.v1.Instance;
import dev.meshwork.api.registry.v1.RegisterRequest;
import dev.meshwork.api.registry.v1.RegistryGrpc;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test 3 of "golden metrics": the control plane's Prometheus endpoint, scraped during a config
 * change, shows the push and its latency; with real ADS streams (two SotW, one delta) that ACK.
 */
class ControlPlaneMetricsTest {
  static final String CLUSTER = "outbound|80|v1|reviews";

  @TempDir Path tmp;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void configChange_showsThePushAndItsConvergenceLatency_onTheMetricsEndpoint() throws Exception {
    Files.writeString(tmp.resolve("mesh.yaml"), ControlPlaneTest.GOOD);
    SimpleMeterRegistry application = new SimpleMeterRegistry();
    try (ControlPlane cp = ControlPlane.builder().configDirectory(tmp).xdsPort(0).adminPort(0)
        .meterRegistry(application).start()) {
      ManagedChannel ch = Grpc.newChannelBuilder(cp.xdsTarget(), InsecureChannelCredentials.create()).build();
      try {
        BlockingQueue<DiscoveryResponse> a = new LinkedBlockingQueue<>();
        BlockingQueue<DiscoveryResponse> b = new LinkedBlockingQueue<>();
        BlockingQueue<DeltaDiscoveryResponse> c = new LinkedBlockingQueue<>();
        StreamObserver<DiscoveryRequest> first = ackingSotw(ch, "client-a", a);
        StreamObserver<DiscoveryRequest> second = ackingSotw(ch, "client-b", b);
        StreamObserver<DeltaDiscoveryRequest> third = ackingDelta(ch, "client-c", c);
        // Each client has its cluster and ACKed it: nothing is pending before the change.
        assertTrue(a.poll(5, TimeUnit.SECONDS) != null && b.poll(5, TimeUnit.SECONDS) != null
            && c.poll(5, TimeUnit.SECONDS) != null, "every client got its cluster");
        String before = awaitMetrics(cp, m -> value(m, "meshwork_cp_xds_acks_total", "type=\"Cluster\"") >= 3);
        assertEquals(3, value(before, "meshwork_cp_xds_clients"), before);
        assertEquals(1, value(before, "meshwork_cp_config_version"), before);
        assertEquals(0, value(before, "meshwork_cp_config_errors"), before);
        double pushes = value(before, "meshwork_cp_pushes_total", "trigger=\"config\"");
        double count = value(before, "meshwork_cp_push_latency_seconds_count");
        double sum = value(before, "meshwork_cp_push_latency_seconds_sum");
        double applied = value(before, "meshwork_cp_config_reloads_total", "result=\"applied\"");

        long changeStart = System.nanoTime();
        Path staged = Files.writeString(Files.createTempFile(tmp.getParent(), "mesh", ".tmp"),
            ControlPlaneTest.GOOD.replace("consecutive5xxErrors: 3", "consecutive5xxErrors: 4"));
        Files.move(staged, tmp.resolve("mesh.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The rule-level outlier detection changes every subset's cluster: the delta client is sent it too.
        // Scraped while the change is picked up, pushed and ACKed, until the sample shows.
        String after = awaitMetrics(cp, m -> value(m, "meshwork_cp_push_latency_seconds_count") > count);
        double elapsed = (System.nanoTime() - changeStart) / 1e9;

        assertEquals(pushes + 1, value(after, "meshwork_cp_pushes_total", "trigger=\"config\""), after);
        assertEquals(count + 1, value(after, "meshwork_cp_push_latency_seconds_count"), after);
        double latency = value(after, "meshwork_cp_push_latency_seconds_sum") - sum;
        assertTrue(latency > 0 && latency < elapsed, "latency " + latency + " s within the " + elapsed + " s the change took");
        assertTrue(value(after, "meshwork_cp_push_latency_seconds_bucket", "le=\"+Inf\"") >= count + 1, after);
        assertEquals(2, value(after, "meshwork_cp_config_version"), after);
        assertEquals(applied + 1, value(after, "meshwork_cp_config_reloads_total", "result=\"applied\""), after);
        assertEquals(0, value(after, "meshwork_cp_push_timeouts_total"), after);
        assertTrue(value(after, "meshwork_cp_xds_responses_total", "protocol=\"delta\"") >= 2, after);
        assertTrue(value(after, "meshwork_cp_xds_responses_total", "protocol=\"sotw\"") >= 4, after);
        assertEquals(0, value(after, "meshwork_cp_xds_nacks_total"), after);
        assertTrue(after.contains("\nmeshwork_cp_ca_certificates_issued_total 0.0\n"), after);
        assertEquals(1, application.get("meshwork.cp.push.latency").timer().count() - count,
            "the application's registry gets the same meters");

        // The registry gauge follows a registration.
        assertEquals(0, value(after, "meshwork_cp_registry_instances"), after);
        RegistryGrpc.newBlockingStub(ch).register(RegisterRequest.newBuilder().setInstance(Instance.newBuilder()
            .setInstanceId("reviews-1").setService("reviews").setAddress("127.0.0.1").setPort(9080)
            .putLabels("version", "v1")).build());
        awaitMetrics(cp, m -> value(m, "meshwork_cp_registry_instances") == 1
            && value(m, "meshwork_cp_pushes_total", "trigger=\"registry\"") >= 1);

        // A client going away leaves the gauge.
        second.onCompleted();
        awaitMetrics(cp, m -> value(m, "meshwork_cp_xds_clients") == 2);
        first.onCompleted();
        third.onCompleted();
      } finally {
        ch.shutdownNow();
      }
    }
    assertTrue(application.getMeters().isEmpty(), "a closed control plane leaves the application's registry");
  }

  @Test
  void rejectedChange_isCountedAndItsErrorsShown() throws Exception {
    Files.writeString(tmp.resolve("mesh.yaml"), ControlPlaneTest.GOOD);
    try (ControlPlane cp = ControlPlane.builder().configDirectory(tmp).xdsPort(0).adminPort(0).start()) {
      Path staged = Files.writeString(Files.createTempFile(tmp.getParent(), "mesh", ".tmp"),
          ControlPlaneTest.GOOD.replace("subset: v2", "subsett: v2"));
      Files.move(staged, tmp.resolve("mesh.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      cp.reloadNow();
      String m = scrape(cp);
      assertTrue(value(m, "meshwork_cp_config_errors") >= 1, m);
      assertEquals(1, value(m, "meshwork_cp_config_reloads_total", "result=\"rejected\""), m);
      assertEquals(1, value(m, "meshwork_cp_config_version"), m);
      assertEquals(1, value(m, "meshwork_cp_pushes_total", "trigger=\"startup\""), m);
    }
  }

  /** A SotW stream that subscribes to one cluster and ACKs every response. */
  static StreamObserver<DiscoveryRequest> ackingSotw(ManagedChannel ch, String nodeId, BlockingQueue<DiscoveryResponse> got) {
    StreamObserver<DiscoveryRequest>[] self = new StreamObserver[1];
    self[0] = AggregatedDiscoveryServiceGrpc.newStub(ch).streamAggregatedResources(new Quiet<>() {
      @Override
      public void onNext(DiscoveryResponse r) {
        got.add(r);
        synchronized (self) {
          self[0].onNext(DiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).addResourceNames(CLUSTER)
              .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
        }
      }
    });
    synchronized (self) {
      self[0].onNext(DiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId(nodeId))
          .setTypeUrl(Resources.V3.CLUSTER_TYPE_URL).addResourceNames(CLUSTER).build());
    }
    return self[0];
  }

  /** A delta stream that subscribes to one cluster and ACKs every response. */
  static StreamObserver<DeltaDiscoveryRequest> ackingDelta(ManagedChannel ch, String nodeId,
      BlockingQueue<DeltaDiscoveryResponse> got) {
    StreamObserver<DeltaDiscoveryRequest>[] self = new StreamObserver[1];
    self[0] = AggregatedDiscoveryServiceGrpc.newStub(ch).deltaAggregatedResources(new Quiet<>() {
      @Override
      public void onNext(DeltaDiscoveryResponse r) {
        got.add(r);
        synchronized (self) {
          self[0].onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setResponseNonce(r.getNonce())
              .build());
        }
      }
    });
    synchronized (self) {
      self[0].onNext(DeltaDiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId(nodeId))
          .setTypeUrl(Resources.V3.CLUSTER_TYPE_URL).addResourceNamesSubscribe(CLUSTER).build());
    }
    return self[0];
  }

  private abstract static class Quiet<T> implements StreamObserver<T> {
    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  String scrape(ControlPlane cp) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.adminPort() + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
    return r.body();
  }

  /** Scrapes until {@code done} holds (10 s at most); returns the last scrape. */
  String awaitMetrics(ControlPlane cp, Predicate<String> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String m = scrape(cp);
    while (!done.test(m) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      m = scrape(cp);
    }
    assertTrue(done.test(m), m);
    return m;
  }

  /** Sum of the samples of {@code name} whose labels contain every one of {@code labels}. */
  static double value(String exposition, String name, String... labels) {
    double total = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{"))) {
        continue;
      }
      String series = line.substring(0, line.lastIndexOf(' '));
      if (List.of(labels).stream().allMatch(series::contains)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
