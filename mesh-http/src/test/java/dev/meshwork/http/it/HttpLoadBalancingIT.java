package dev.meshwork.http.it;

import static dev.meshwork.http.it.HttpMesh.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.meshwork.core.engine.MeshOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consistent hashing and locality-aware failover over HTTP. */
class HttpLoadBalancingIT {
  @TempDir Path tmp;
  HttpMesh mesh;

  @BeforeEach
  void setUp() throws Exception {
    mesh = new HttpMesh(tmp);
  }

  @AfterEach
  void tearDown() {
    mesh.close();
  }

  @Test
  void ringHash_sameHeaderSameInstance_removingOneRemapsOnlyItsShare() {
    Map<String, WireMockServer> upstreams = new HashMap<>();
    for (String n : new String[] {"u1", "u2", "u3", "u4"}) {
      upstreams.put(n, mesh.upstream("carts", n, Map.of()));
    }
    mesh.apply("carts.yaml", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: carts
        spec:
          host: carts
          trafficPolicy:
            loadBalancer:
              consistentHash:
                httpHeaderName: x-user
        """);
    OkHttpClient c = mesh.client().client();
    Map<String, String> owner = new HashMap<>();
    for (int user = 0; user < 200; user++) {
      String first = HttpMesh.get(c, "http://carts/", Map.of("x-user", "user-" + user));
      for (int again = 0; again < 3; again++) {
        assertEquals(first, HttpMesh.get(c, "http://carts/", Map.of("x-user", "user-" + user)), "user-" + user);
      }
      owner.put("user-" + user, first);
    }
    assertEquals(4, new java.util.HashSet<>(owner.values()).size(), "all instances own some users " + owner.values());

    mesh.remove("u3", upstreams.get("u3"));
    HttpMesh.await("u3 out of rotation", () -> {
      for (int i = 0; i < 40; i++) {
        if (HttpMesh.get(c, "http://carts/", Map.of("x-user", "probe-" + i)).equals("u3")
            || HttpMesh.get(c, "http://carts/", Map.of("x-user", "probe-" + i)).startsWith("ERROR")) {
          return false;
        }
      }
      return true;
    }, 5_000);
    int moved = 0;
    for (Map.Entry<String, String> e : owner.entrySet()) {
      String now = HttpMesh.get(c, "http://carts/", Map.of("x-user", e.getKey()));
      if (e.getValue().equals("u3")) {
        assertTrue(!now.equals("u3") && now.startsWith("u"), e.getKey() + " remapped to a live instance: " + now);
      } else if (!now.equals(e.getValue())) {
        moved++;
      }
    }
    assertEquals(0, moved, "users of the remaining instances keep their instance");
  }

  @Test
  void localityFailover_localZoneDown_trafficMovesToTheOtherZone_andComesBack() {
    WireMockServer a1 = mesh.upstream("stock", "a1", Map.of(), "eu/zone-a");
    WireMockServer a2 = mesh.upstream("stock", "a2", Map.of(), "eu/zone-a");
    mesh.upstream("stock", "b1", Map.of(), "eu/zone-b");
    mesh.upstream("stock", "b2", Map.of(), "eu/zone-b");
    // Locality-aware routing, as in Istio, is active for clusters with outlier detection.
    mesh.apply("stock.yaml", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: stock
        spec:
          host: stock
          trafficPolicy:
            outlierDetection:
              consecutive5xxErrors: 5
        """);
    OkHttpClient c = mesh.client(MeshOptions.DEFAULTS, "eu/zone-a").client();
    Map<String, Integer> local = HttpMesh.distribution(c, "http://stock/", Map.of(), 200);
    assertEquals(100.0, share(local, "a"), "all traffic stays in the client's zone " + local);

    mesh.remove("a1", a1);
    mesh.remove("a2", a2);
    HttpMesh.await("failover to zone-b", () -> HttpMesh.get(c, "http://stock/", Map.of()).startsWith("b"), 5_000);
    Map<String, Integer> failover = HttpMesh.distribution(c, "http://stock/", Map.of(), 200);
    assertEquals(100.0, share(failover, "b"), "zone-a is down: zone-b takes it all " + failover);

    mesh.upstream("stock", "a3", Map.of(), "eu/zone-a");
    HttpMesh.await("fail back to zone-a", () -> HttpMesh.get(c, "http://stock/", Map.of()).equals("a3"), 5_000);
    Map<String, Integer> back = HttpMesh.distribution(c, "http://stock/", Map.of(), 200);
    assertEquals(Map.of("a3", 200), back, "the local zone is back");
  }
}
