package dev.meshwork.http.it;

import static dev.meshwork.http.it.HttpMesh.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.meshwork.http.MeshHttp;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OkHttp requests to http://reviews/... steered by the same Istio YAML as gRPC clients. */
class HttpRoutingIT {
  static final String CONFIG = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http:
        - match:
          - headers:
              x-canary:
                exact: "true"
          - queryParams:
              user:
                exact: alice
          route:
          - destination:
              host: reviews
              subset: v2
        - route:
          - destination:
              host: reviews
              subset: v1
            weight: 90
          - destination:
              host: reviews
              subset: v2
            weight: 10
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
      spec:
        host: reviews
        trafficPolicy:
          loadBalancer:
            simple: ROUND_ROBIN
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
      """;

  @TempDir Path tmp;
  HttpMesh mesh;
  OkHttpClient client;

  @BeforeEach
  void setUp() throws Exception {
    mesh = new HttpMesh(tmp);
    mesh.upstream("reviews", "v1-a", Map.of("version", "v1"));
    mesh.upstream("reviews", "v1-b", Map.of("version", "v1"));
    mesh.upstream("reviews", "v2-a", Map.of("version", "v2"));
    mesh.upstream("reviews", "v2-b", Map.of("version", "v2"));
    mesh.apply("reviews.yaml", CONFIG);
    client = mesh.client().client();
  }

  @AfterEach
  void tearDown() {
    mesh.close();
  }

  @Test
  void weightedSplit_90_10_withinThreePoints_overSeveralInstancesPerSubset() {
    Map<String, Integer> counts = HttpMesh.distribution(client, "http://reviews/reviews/1", Map.of(), 2000);
    assertEquals(10.0, share(counts, "v2-"), 3.0, counts.toString());
    assertEquals(90.0, share(counts, "v1-"), 3.0, counts.toString());
    assertTrue(counts.getOrDefault("v1-a", 0) > 700 && counts.getOrDefault("v1-b", 0) > 700, "round robin within v1 " + counts);
  }

  @Test
  void headerAndQueryParameterRouting_areExact() {
    assertEquals(0.0, 100 - share(HttpMesh.distribution(client, "http://reviews/x", Map.of("x-canary", "true"), 300), "v2-"));
    assertEquals(0.0, 100 - share(HttpMesh.distribution(client, "http://reviews/x?user=alice&a=1", Map.of(), 300), "v2-"));
    Map<String, Integer> bob = HttpMesh.distribution(client, "http://reviews/x?user=bob", Map.of(), 2000);
    assertEquals(10.0, share(bob, "v2-"), 3.0, "other users keep the split " + bob);
  }

  @Test
  void hostsOutsideTheMesh_passThroughUntouched() throws Exception {
    WireMockServer outside = mesh.upstream("unrelated-registered-elsewhere", "outside", Map.of());
    String direct = HttpMesh.get(client, "http://localhost:" + outside.port() + "/", Map.of());
    assertEquals("outside", direct);
  }

  @Test
  void anHttpsUrl_isTheApplicationsOwnTls_neverRoutedToAPlaintextEndpoint() {
    HttpMesh.await("reviews routed", () -> HttpMesh.get(client, "http://reviews/", Map.of()).startsWith("v"), 15_000);
    // The application asked for TLS to "reviews" with its own trust: the mesh must not send that
    // request, credentials and all, in cleartext to a plaintext endpoint. It passes through, as
    // TLS does through Istio's sidecar, and "reviews" is not a name DNS knows here.
    String out = HttpMesh.get(client, "https://reviews/account", Map.of("Authorization", "Bearer s3cret"));
    assertEquals("ERROR:UnknownHostException", out);
  }
}
