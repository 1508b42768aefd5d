package dev.meshwork.grpc.it;

import static dev.meshwork.grpc.it.MeshFixture.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weighted canary splits, header routing and live config edits, seen by a real gRPC xDS client. */
class TrafficSplitIT {
  static final String DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
      spec:
        host: reviews
        subsets:
        - name: v1
          labels:
            version: v1
        - name: v2
          labels:
            version: v2
      """;

  static String vs(int w1, int w2) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts:
          - reviews
          http:
          - match:
            - headers:
                x-canary:
                  exact: "true"
            route:
            - destination:
                host: reviews
                subset: v2
          - route:
            - destination:
                host: reviews
                subset: v1
              weight: %d
            - destination:
                host: reviews
                subset: v2
              weight: %d
        """.formatted(w1, w2);
  }

  @TempDir Path tmp;
  MeshFixture mesh;
  ManagedChannel reviews;

  @BeforeEach
  void setUp() throws Exception {
    mesh = new MeshFixture(tmp);
    mesh.backend("reviews", "reviews-v1-a", "v1");
    mesh.backend("reviews", "reviews-v1-b", "v1");
    mesh.backend("reviews", "reviews-v2-a", "v2");
    mesh.applyConfig("reviews.yaml", DR + "---\n" + vs(90, 10));
    reviews = mesh.channel("reviews");
    mesh.awaitServedBy(reviews, Map.of(), "reviews-v1-a", "reviews-v1-b", "reviews-v2-a");
  }

  @AfterEach
  void tearDown() {
    mesh.close();
  }

  @Test
  void weightedSplit_90_10_observedWithinThreePoints() {
    Map<String, Integer> counts = MeshFixture.distribution(reviews, Map.of(), 2000);
    double v2 = share(counts, "reviews-v2-a");
    double v1 = share(counts, "reviews-v1-a", "reviews-v1-b");
    assertEquals(10.0, v2, 3.0, "v2 share " + counts);
    assertEquals(90.0, v1, 3.0, "v1 share " + counts);
    // both v1 instances take part: the subset is load balanced, not pinned
    assertTrue(counts.getOrDefault("reviews-v1-a", 0) > 400 && counts.getOrDefault("reviews-v1-b", 0) > 400, counts.toString());
  }

  @Test
  void headerMatch_routesAllCanaryCallsToV2_whileOthersKeepTheSplit() {
    Map<String, Integer> canary = MeshFixture.distribution(reviews, Map.of("x-canary", "true"), 1000);
    assertEquals(Map.of("reviews-v2-a", 1000), canary);
    Map<String, Integer> others = MeshFixture.distribution(reviews, Map.of("x-canary", "false"), 2000);
    assertEquals(10.0, share(others, "reviews-v2-a"), 3.0, others.toString());
  }

  @Test
  void editingTheYaml_shiftsTheSplitWithinTwoSeconds_withoutRestartOrFailedCall() {
    long failures = 0;
    long edited = System.nanoTime();
    mesh.writeConfig("reviews.yaml", DR + "---\n" + vs(50, 50));
    long shiftedAt = -1;
    // Windows of 100 calls (tens of ms): the end of the first window whose v2 share is clearly
    // above 10% bounds the moment of the shift from above.
    for (int window = 0; window < 400 && shiftedAt < 0; window++) {
      int v2 = 0;
      for (int i = 0; i < 100; i++) {
        try {
          if (Echo.who(reviews).equals("reviews-v2-a")) {
            v2++;
          }
        } catch (StatusRuntimeException e) {
          failures++;
        }
      }
      if (v2 >= 35) { // 35%: impossible at 10% (over 8 standard deviations), typical at 50%
        shiftedAt = System.nanoTime();
      }
    }
    assertTrue(shiftedAt > 0, "split never shifted");
    double seconds = (shiftedAt - edited) / 1e9;
    assertTrue(seconds < 2.0, "split shifted after " + seconds + " s");
    Map<String, Integer> after = MeshFixture.distribution(reviews, Map.of(), 6000);
    assertEquals(50.0, share(after, "reviews-v2-a"), 3.0, after.toString());
    assertEquals(0, failures + after.keySet().stream().filter(k -> k.startsWith("ERROR")).count(), "failed calls");
  }

  @Test
  void brokenEdit_isRejected_clientsKeepOldRouting_adminShowsFileAndFieldPath() {
    long servedVersion = mesh.cp.configStatus().version();
    String unknownField = vs(50, 50).replace("\n  - route:\n", "\n  - rout: []\n    route:\n");
    mesh.writeConfig("reviews.yaml", DR + "---\n" + unknownField);
    MeshFixture.await("rejection", () -> !mesh.cp.configStatus().errors().isEmpty(), 5_000);
    String config = mesh.admin("/config");
    assertTrue(config.contains("reviews.yaml"), config);
    assertTrue(config.contains("spec.http[1].rout"), config);
    Map<String, Integer> counts = MeshFixture.distribution(reviews, Map.of(), 2000);
    assertEquals(10.0, share(counts, "reviews-v2-a"), 3.0, "still 90/10 " + counts);

    String badRegex = vs(50, 50).replace("exact: \"true\"", "regex: \"tr(ue\"");
    mesh.writeConfig("reviews.yaml", DR + "---\n" + badRegex);
    MeshFixture.await("regex rejection", () -> mesh.admin("/config").contains("tr(ue"), 5_000);
    config = mesh.admin("/config");
    assertTrue(config.contains("reviews.yaml") && config.contains("spec.http[0].match[0].headers.x-canary"), config);
    counts = MeshFixture.distribution(reviews, Map.of(), 2000);
    assertEquals(10.0, share(counts, "reviews-v2-a"), 3.0, "still 90/10 " + counts);
    assertEquals(servedVersion, mesh.cp.configStatus().version(), "no new version was served");
  }
}
