package dev.meshwork.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.Status;
import dev.meshwork.controlplane.internal.config.ConfigLoader;
import dev.meshwork.controlplane.internal.config.LoadResult;
import dev.meshwork.controlplane.internal.xds.XdsResources;
import dev.meshwork.controlplane.internal.xds.XdsTranslator;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneTest {
  static final String GOOD = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http:
        - match:
          - uri:
              prefix: /api
            headers:
              x-canary:
                regex: "t.*e"
          route:
          - destination:
              host: reviews
              subset: v2
          timeout: 1.5s
          retries:
            attempts: 3
            perTryTimeout: 500ms
            retryOn: unavailable,5xx
        - route:
          - destination:
              host: reviews
              subset: v1
            weight: 90
          - destination:
              host: reviews
              subset: v2
            weight: 10
          fault:
            abort:
              httpStatus: 503
              percentage:
                value: 1.5
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
      spec:
        host: reviews
        trafficPolicy:
          loadBalancer:
            consistentHash:
              httpHeaderName: x-user
          outlierDetection:
            consecutive5xxErrors: 3
            interval: 1s
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            connectionPool:
              http:
                http2MaxRequests: 10
      """;

  @TempDir Path tmp;

  @Test
  void fuzzedReloads_neverServeAPartiallyAppliedConfig() throws Exception {
    Files.writeString(tmp.resolve("mesh.yaml"), GOOD);
    try (ControlPlane cp = ControlPlane.builder().configDirectory(tmp).xdsPort(0).adminPort(-1).start()) {
      assertTrue(cp.configStatus().errors().isEmpty(), cp.configStatus().errors().toString());
      Random random = new Random(42);
      int rejected = 0;
      for (int i = 0; i < 150; i++) {
        String text = mutate(GOOD, random);
        // Atomic, as the watcher may reload concurrently: it must never see a half-written file.
        Path staged = Files.writeString(Files.createTempFile(tmp.getParent(), "mesh", ".tmp"), text);
        Files.move(staged, tmp.resolve("mesh.yaml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        XdsResources before = cp.served();
        var beforeConfig = cp.config();
        ConfigStatus status = cp.reloadNow();
        if (!status.errors().isEmpty()) {
          rejected++;
          assertSame(before, cp.served(), "a rejected change must leave the served resources untouched");
          assertSame(beforeConfig, cp.config());
          status.errors().forEach(e -> assertTrue(e.startsWith("mesh.yaml"), e));
        } else {
          LoadResult fresh = ConfigLoader.load(Map.of("mesh.yaml", text));
          assertTrue(fresh.ok());
          assertEquals(XdsTranslator.translate(fresh.config(), List.of()), cp.served(),
              "an accepted change is served whole");
        }
      }
      assertTrue(rejected > 50, "the mutations should mostly be invalid, got " + rejected);
    }
  }

  static String mutate(String text, Random r) {
    String[] lines = text.split("\n", -1);
    int i = r.nextInt(lines.length);
    switch (r.nextInt(5)) {
      case 0 -> lines[i] = lines[i].replaceFirst("(\\w+):", "$1x:");          // rename a key
      case 1 -> lines[i] = "";                                                // drop a line
      case 2 -> lines[i] = lines[i].replaceFirst(": .*", ": [1, {a: b}]");    // swap a value's type
      case 3 -> lines[i] = " " + lines[i];                                    // break indentation
      default -> lines[i] = lines[i].replaceAll("\\d", "9");                  // bend numbers
    }
    return String.join("\n", lines);
  }

  @Test
  void nackFromAClient_isShownOnTheAdminApi_andTheClientKeepsItsAckedVersion() throws Exception {
    Files.writeString(tmp.resolve("mesh.yaml"), GOOD);
    try (ControlPlane cp = ControlPlane.builder().configDirectory(tmp).xdsPort(0).adminPort(0).start()) {
      ManagedChannel ch = Grpc.newChannelBuilder(cp.xdsTarget(), InsecureChannelCredentials.create()).build();
      try {
        LinkedBlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
        StreamObserver<DiscoveryRequest> ads = openAds(ch, responses);
        Node node = Node.newBuilder().setId("nacking-client").setCluster("tester").build();
        ads.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(Resources.V3.CLUSTER_TYPE_URL)
            .addResourceNames("outbound|80|v1|reviews").build());
        DiscoveryResponse first = responses.poll(5, TimeUnit.SECONDS);
        assertEquals(1, first.getResourcesCount());
        ads.onNext(DiscoveryRequest.newBuilder().setTypeUrl(Resources.V3.CLUSTER_TYPE_URL)
            .addResourceNames("outbound|80|v1|reviews").setResponseNonce(first.getNonce())
            .setErrorDetail(Status.newBuilder().setCode(3).setMessage("CDS: outbound|80|v1|reviews: unsupported lb policy"))
            .build());
        String clients = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!clients.contains("unsupported lb policy") && System.nanoTime() < deadline) {
          clients = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + cp.adminPort() + "/clients")).build(),
              HttpResponse.BodyHandlers.ofString()).body();
        }
        assertTrue(clients.contains("nacking-client"), clients);
        assertTrue(clients.contains("CDS: outbound|80|v1|reviews: unsupported lb policy"), clients);
        assertTrue(clients.contains(first.getVersionInfo()), "names the rejected version: " + clients);
        assertFalse(clients.contains("\"ackedVersion\" : \"" + first.getVersionInfo()), clients);
        ads.onCompleted();
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void addingAMissingName_isAnsweredAtOnce_andItsAckIsNotAnsweredAgain() throws Exception {
    Files.writeString(tmp.resolve("mesh.yaml"), GOOD);
    try (ControlPlane cp = ControlPlane.builder().configDirectory(tmp).xdsPort(0).adminPort(-1).start()) {
      ManagedChannel ch = Grpc.newChannelBuilder(cp.xdsTarget(), InsecureChannelCredentials.create()).build();
      try {
        LinkedBlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
        StreamObserver<DiscoveryRequest> ads = openAds(ch, responses);
        Node node = Node.newBuilder().setId("probe").build();
        ads.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(Resources.V3.LISTENER_TYPE_URL)
            .addResourceNames("reviews").build());
        DiscoveryResponse first = responses.poll(5, TimeUnit.SECONDS);
        assertEquals(1, first.getResourcesCount());
        // Subscribe to a service that does not exist, in the same request that ACKs the first response.
        ads.onNext(DiscoveryRequest.newBuilder().setTypeUrl(Resources.V3.LISTENER_TYPE_URL)
            .addResourceNames("reviews").addResourceNames("no-such-service")
            .setVersionInfo(first.getVersionInfo()).setResponseNonce(first.getNonce()).build());
        DiscoveryResponse second = responses.poll(2, TimeUnit.SECONDS);
        assertTrue(second != null, "a changed subscription is answered at once");
        assertEquals(1, second.getResourcesCount(), "the missing listener is absent: LDS clients conclude it does not exist");
        ads.onNext(DiscoveryRequest.newBuilder().setTypeUrl(Resources.V3.LISTENER_TYPE_URL)
            .addResourceNames("reviews").addResourceNames("no-such-service")
            .setVersionInfo(second.getVersionInfo()).setResponseNonce(second.getNonce()).build());
        assertEquals(null, responses.poll(500, TimeUnit.MILLISECONDS), "an ACK is not answered: no loop");
        ads.onCompleted();
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void registryWarmup_servesNothingUntilInstancesHadTimeToReRegister() throws Exception {
    Files.writeString(tmp.resolve("mesh.yaml"), GOOD);
    try (ControlPlane cp = ControlPlane.builder().configDirectory(tmp).xdsPort(0).adminPort(-1)
        .registryWarmup(java.time.Duration.ofMillis(1500)).start()) {
      long started = System.nanoTime();
      ManagedChannel ch = Grpc.newChannelBuilder(cp.xdsTarget(), InsecureChannelCredentials.create()).build();
      try {
        LinkedBlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
        StreamObserver<DiscoveryRequest> ads = openAds(ch, responses);
        // A client of the previous incarnation reconnects with the version it has.
        ads.onNext(DiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId("old-client"))
            .setTypeUrl(Resources.V3.CLUSTER_TYPE_URL).setVersionInfo("version-from-before")
            .addResourceNames("outbound|80|v1|reviews").build());
        DiscoveryResponse r = responses.poll(5, TimeUnit.SECONDS);
        long waitedMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(r != null, "served after the warm-up");
        assertTrue(waitedMs >= 1400, "nothing may be served during the warm-up, got a response after " + waitedMs + " ms");
        assertEquals(1, r.getResourcesCount());
        ads.onCompleted();
      } finally {
        ch.shutdownNow();
      }
    }
  }

  /** A raw ADS stream, as any xDS client opens one; responses land in {@code responses}. */
  static StreamObserver<DiscoveryRequest> openAds(ManagedChannel ch, LinkedBlockingQueue<DiscoveryResponse> responses) {
    return AggregatedDiscoveryServiceGrpc.newStub(ch).streamAggregatedResources(new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryResponse r) {
        responses.add(r);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
  }
}
