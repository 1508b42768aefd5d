package dev.meshwork.http.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.http.MeshHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resource the client cannot use, served by the real control plane from valid Istio YAML:
 * {@code loadBalancer.simple: PASSTHROUGH} becomes an ORIGINAL_DST cluster (as istiod writes it),
 * which a proxyless client has no way to honour. The client NACKs it naming the cluster and field,
 * keeps routing on the cluster's previous version, the NACK shows on the control plane's admin
 * API, and the next valid change is ACKed and applied.
 */
class NackIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String V1_CLUSTER = "outbound|80|v1|reviews";

  @TempDir Path tmp;

  private static String reviews(String v1Policy, String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination:
                host: reviews
                subset: %s
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
            trafficPolicy:
              loadBalancer: {simple: %s}
          - name: v2
            labels: {version: v2}
        """.formatted(subset, v1Policy);
  }

  @Test
  void unusableCluster_isNackedWithItsName_previousVersionKeepsServing_andTheNackIsOnTheAdminApi() throws Exception {
    try (HttpMesh mesh = new HttpMesh(tmp)) {
      mesh.upstream("reviews", "v1-a", Map.of("version", "v1"));
      mesh.upstream("reviews", "v1-b", Map.of("version", "v1"));
      mesh.upstream("reviews", "v2-a", Map.of("version", "v2"));
      mesh.apply("reviews.yaml", reviews("ROUND_ROBIN", "v1"));
      MeshHttp http = MeshHttp.create(MeshSettings.builder().controlPlane(mesh.cp.xdsTarget()).service("productpage")
          .instanceId("productpage-nack-it").build(), MeshOptions.DEFAULTS);
      try {
        OkHttpClient client = http.client();
        assertEquals(Map.of("v1-a", 20, "v1-b", 20), HttpMesh.distribution(client, "http://reviews/r", Map.of(), 40),
            "round robin over v1");
        String ackedBefore = cds(mesh).path("ackedVersion").asText();

        mesh.apply("reviews.yaml", reviews("PASSTHROUGH", "v1"));
        assertTrue(mesh.cp.configStatus().errors().isEmpty(), "valid Istio YAML: the control plane accepts it");
        JsonNode[] nack = new JsonNode[1];
        HttpMesh.await("the client's NACK on /clients", () -> {
          JsonNode n = cds(mesh).path("lastNack");
          nack[0] = n;
          return !n.isMissingNode() && !n.isNull();
        }, 10_000);
        String message = nack[0].path("message").asText();
        assertTrue(message.contains(V1_CLUSTER), "names the resource: " + message);
        assertTrue(message.contains("type") && message.contains("ORIGINAL_DST"), "names the field and value: " + message);
        assertEquals(ackedBefore, cds(mesh).path("ackedVersion").asText(), "the NACKed version is not acknowledged");
        assertNotEquals(ackedBefore, nack[0].path("rejectedVersion").asText());

        assertEquals(Map.of("v1-a", 50, "v1-b", 50), HttpMesh.distribution(client, "http://reviews/r", Map.of(), 100),
            "every request succeeds on the cluster's previous (round robin) version");
        assertEquals(1, nacks(mesh), "one NACK: the control plane does not resend what was rejected");

        mesh.apply("reviews.yaml", reviews("RANDOM", "v1"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonNode now = cds(mesh);
        while (!now.path("ackedVersion").asText().equals(now.path("sentVersion").asText()) && System.nanoTime() < deadline) {
          Thread.sleep(20);
          now = cds(mesh);
        }
        assertEquals(now.path("sentVersion").asText(), now.path("ackedVersion").asText(),
            "the client ACKs the next cluster version: " + now);
        assertNotEquals(ackedBefore, now.path("ackedVersion").asText());
        assertNotEquals(nack[0].path("rejectedVersion").asText(), now.path("ackedVersion").asText());
        Map<String, Integer> random = HttpMesh.distribution(client, "http://reviews/r", Map.of(), 100);
        assertEquals(100, random.getOrDefault("v1-a", 0) + random.getOrDefault("v1-b", 0), random.toString());

        mesh.apply("reviews.yaml", reviews("RANDOM", "v2"));
        HttpMesh.await("a route change after the NACK",
            () -> HttpMesh.get(client, "http://reviews/r", Map.of()).equals("v2-a"), 10_000);
      } finally {
        http.close();
      }
    }
  }

  /** How many NACKs of this test's client the admin API remembers. */
  private static int nacks(HttpMesh mesh) throws Exception {
    int n = 0;
    for (JsonNode nack : JSON.readTree(admin(mesh, "/clients")).path("recentNacks")) {
      n += nack.path("nodeId").asText().equals("productpage-nack-it") ? 1 : 0;
    }
    return n;
  }

  private static String admin(HttpMesh mesh, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + mesh.cp.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** This test's client's CDS status on the admin API's /clients. */
  private static JsonNode cds(HttpMesh mesh) {
    try {
      String body = admin(mesh, "/clients");
      for (JsonNode c : JSON.readTree(body).path("clients")) {
        if (c.path("nodeId").asText().equals("productpage-nack-it")) {
          return c.path("types").path("Cluster");
        }
      }
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
