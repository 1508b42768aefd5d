package dev.meshwork.http.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Istio request mirroring, configured in YAML, applied by the HTTP client: copies go to the shadow subset. */
class MirroringIT {
  static final String CONFIG = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
          mirror: {host: reviews, subset: v2}
          mirrorPercentage: {value: 50}
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
        - name: v2
          labels: {version: v2}
      """;

  @TempDir Path tmp;
  HttpMesh mesh;

  @AfterEach
  void tearDown() {
    mesh.close();
  }

  @Test
  void mirrorPercentage50_v1ServesEverything_v2ReceivesHalfAsShadowCopies() throws Exception {
    mesh = new HttpMesh(tmp);
    List<WireMockServer> v1 = List.of(
        mesh.upstream("reviews", "v1-a", Map.of("version", "v1"), 200, true),
        mesh.upstream("reviews", "v1-b", Map.of("version", "v1"), 200, true));
    List<WireMockServer> v2 = List.of(
        mesh.upstream("reviews", "v2-a", Map.of("version", "v2"), 200, true),
        mesh.upstream("reviews", "v2-b", Map.of("version", "v2"), 200, true));
    mesh.apply("reviews.yaml", CONFIG);
    OkHttpClient client = mesh.client().client();

    // The mirror cluster is subscribed with the routes and resolves shortly after: warm up until
    // copies arrive, then count from zero.
    HttpMesh.await("first mirrored copy", () -> {
      HttpMesh.get(client, "http://reviews/warmup", Map.of());
      return v2.stream().mapToInt(HttpMesh::received).sum() > 0;
    }, 10_000);
    HttpMesh.awaitQuiet(client, v2, 10_000);
    v1.forEach(WireMockServer::resetRequests);
    v2.forEach(WireMockServer::resetRequests);

    Map<String, Integer> answers = HttpMesh.distribution(client, "http://reviews/reviews/1", Map.of(), 2000);
    HttpMesh.awaitQuiet(client, v2, 30_000);

    assertEquals(2000, answers.getOrDefault("v1-a", 0) + answers.getOrDefault("v1-b", 0), "v1 serves every answer " + answers);
    assertEquals(2000, v1.stream().mapToInt(HttpMesh::received).sum(), "v1 gets each request once");
    int mirrored = v2.stream().mapToInt(HttpMesh::received).sum();
    System.out.printf("mirroring: v2 received %d copies of 2000 requests (%.1f%%)%n", mirrored, mirrored / 20.0);
    // 2,000 draws at 50%: 5 points is 4.5 standard deviations
    assertEquals(50.0, mirrored / 20.0, 5.0, "share mirrored to v2");
    assertTrue(v2.stream().allMatch(w -> HttpMesh.received(w) > 0), "both v2 instances take copies");

    Set<String> shadowHosts = v2.stream().flatMap(w -> w.getAllServeEvents().stream())
        .map(e -> e.getRequest().getHeader("Host")).collect(Collectors.toSet());
    assertEquals(Set.of("reviews-shadow"), shadowHosts, "copies carry Envoy's -shadow authority");
    Set<String> primaryHosts = v1.stream().flatMap(w -> w.getAllServeEvents().stream())
        .map(ServeEvent::getRequest).map(r -> r.getHeader("Host")).collect(Collectors.toSet());
    assertEquals(Set.of("reviews"), primaryHosts);
    assertTrue(v2.stream().flatMap(w -> w.getAllServeEvents().stream())
        .allMatch(e -> e.getRequest().getUrl().equals("/reviews/1")), "copies keep the path");
  }

  /** Two static endpoints of {@code reviews:8080}, v1 serving, every request mirrored to v2. */
  static final String WITH_PORT = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        location: MESH_INTERNAL
        resolution: STATIC
        ports: [{number: 8080, name: http, protocol: HTTP}]
        endpoints:
        - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
        - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
          mirror: {host: reviews, subset: v2}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      """;

  static WireMockServer server(String body) {
    WireMockServer w = new WireMockServer(com.github.tomakehurst.wiremock.core.WireMockConfiguration.options()
        .dynamicPort().bindAddress("127.0.0.1"));
    w.start();
    w.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
        .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withBody(body)));
    return w;
  }

  @Test
  void aServiceCalledWithAPort_getsCopiesWithEnvoysShadowAuthority_andOneShotBodiesAreNotCopied() throws Exception {
    mesh = new HttpMesh(tmp);
    WireMockServer v1 = server("v1");
    WireMockServer v2 = server("v2");
    try {
      mesh.apply("reviews.yaml", WITH_PORT.formatted(v1.port(), v2.port()));
      OkHttpClient client = mesh.client().client();
      HttpMesh.await("first mirrored copy", () -> {
        HttpMesh.get(client, "http://reviews:8080/warmup", Map.of());
        return HttpMesh.received(v2) > 0;
      }, 10_000);
      HttpMesh.awaitQuiet(client, List.of(v1, v2), 10_000);
      v1.resetRequests();
      v2.resetRequests();

      assertEquals("v1", HttpMesh.get(client, "http://reviews:8080/reviews/1", Map.of()));
      HttpMesh.awaitQuiet(client, List.of(v1, v2), 10_000);
      List<String> shadowHosts = v2.getAllServeEvents().stream().map(e -> e.getRequest().getHeader("Host")).toList();
      assertEquals(List.of("reviews-shadow:8080"), shadowHosts, "Envoy's shadow authority keeps the port");

      // A one-shot body can be written once: the caller's request gets it, no copy is made.
      v2.resetRequests();
      java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
      for (int i = 0; i < 5; i++) {
        okhttp3.RequestBody oneShot = new okhttp3.RequestBody() {
          @Override
          public okhttp3.MediaType contentType() {
            return okhttp3.MediaType.get("text/plain");
          }

          @Override
          public boolean isOneShot() {
            return true;
          }

          @Override
          public void writeTo(okio.BufferedSink sink) throws java.io.IOException {
            writes.incrementAndGet();
            sink.writeUtf8("p".repeat(100_000));
          }
        };
        try (okhttp3.Response r = client.newCall(new okhttp3.Request.Builder().url("http://reviews:8080/post")
            .post(oneShot).build()).execute()) {
          assertEquals(200, r.code());
          assertEquals("v1", r.body().string());
        }
      }
      HttpMesh.awaitQuiet(client, List.of(v1, v2), 10_000);
      assertEquals(5, writes.get(), "each one-shot body written once");
      assertEquals(0, HttpMesh.received(v2), "no copies of one-shot bodies");
    } finally {
      v1.stop();
      v2.stop();
    }
  }
}
