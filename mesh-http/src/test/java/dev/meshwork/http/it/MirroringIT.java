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

    Map<String, Integer> answers = HttpMesh.distribution(client, "http://reviews/reviews/1", Map.of(), 1000);
    HttpMesh.awaitQuiet(client, v2, 30_000);

    assertEquals(1000, answers.getOrDefault("v1-a", 0) + answers.getOrDefault("v1-b", 0), "v1 serves every answer " + answers);
    assertEquals(1000, v1.stream().mapToInt(HttpMesh::received).sum(), "v1 gets each request once");
    int mirrored = v2.stream().mapToInt(HttpMesh::received).sum();
    System.out.printf("mirroring: v2 received %d copies of 1000 requests (%.1f%%)%n", mirrored, mirrored / 10.0);
    assertEquals(50.0, mirrored / 10.0, 5.0, "share mirrored to v2");
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
}
