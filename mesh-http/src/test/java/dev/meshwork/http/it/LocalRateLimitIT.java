package dev.meshwork.http.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.engine.MeshRejectedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ratelimit.meshwork.dev/local annotation, enforced by the HTTP client with Envoy's token bucket. */
class LocalRateLimitIT {
  static final String CONFIG = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
        annotations:
          ratelimit.meshwork.dev/local: "10/1s"
      spec:
        hosts: [reviews]
        http:
        - name: reviews-all
          route:
          - destination: {host: reviews}
      """;

  @TempDir Path tmp;
  HttpMesh mesh;

  @AfterEach
  void tearDown() {
    mesh.close();
  }

  /** Sends n requests back to back; returns their outcomes. */
  private static List<HttpMesh.Outcome> burst(OkHttpClient client, int n) {
    List<HttpMesh.Outcome> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(HttpMesh.call(client, "http://reviews/reviews/" + i));
    }
    return out;
  }

  @Test
  void tenPerSecond_burstOf30_about10Pass_restRateLimited_andTokensComeBackAfterASecond() throws Exception {
    mesh = new HttpMesh(tmp);
    mesh.upstream("reviews", "r1", Map.of());
    mesh.apply("reviews.yaml", CONFIG);
    OkHttpClient client = mesh.client().client();

    // The bucket starts full (10) when the route is first used (after start, which also covers the
    // client's first xDS lookup); 30 requests take far less than the 1 s refill period, so about
    // 10 pass (up to 20 if a slow machine straddles one refill).
    long start = System.nanoTime();
    List<HttpMesh.Outcome> first = burst(client, 30);
    double burstSeconds = (System.nanoTime() - start) / 1e9;
    long passed = first.stream().filter(HttpMesh.Outcome::ok).count();
    System.out.printf("local rate limit: %d of 30 passed in %.3f s%n", passed, burstSeconds);
    assertTrue(passed >= 10 && passed <= 20, passed + " passed");
    if (burstSeconds < 0.9) {
      assertEquals(10, passed, "no refill happened within the burst");
    }
    for (HttpMesh.Outcome o : first) {
      if (!o.ok()) {
        MeshRejectedException e = assertInstanceOf(MeshRejectedException.class, o.failure(), String.valueOf(o));
        assertEquals(MeshRejectedException.Kind.RATE_LIMITED, e.kind());
        assertTrue(e.getMessage().contains("reviews-all") && e.getMessage().contains("max_tokens 10")
            && e.getMessage().contains("10 tokens every 1000 ms"), e.getMessage());
      }
    }
    if (System.nanoTime() - start < 800_000_000L) { // the first refill comes >= 1 s after start
      assertEquals("ERROR:MeshRejectedException", HttpMesh.get(client, "http://reviews/x", Map.of()), "still empty");
    }

    // A refill adds 10 tokens at the next 1 s boundary: poll (bounded) until a request passes again.
    long emptyAt = System.nanoTime();
    HttpMesh.await("a refill", () -> HttpMesh.call(client, "http://reviews/again").ok(), 5_000);
    double waited = (System.nanoTime() - start) / 1e9;
    System.out.printf("local rate limit: a request passed again %.3f s after the first%n", waited);
    assertTrue(waited >= 0.9, "refilled after " + waited + " s (before the 1 s interval)");
    assertTrue(System.nanoTime() - emptyAt < 5_000_000_000L);
    long again = burst(client, 30).stream().filter(HttpMesh.Outcome::ok).count();
    assertTrue(again >= 9 && again <= 20, "after the refill " + again + " of 30 passed");
  }
}
