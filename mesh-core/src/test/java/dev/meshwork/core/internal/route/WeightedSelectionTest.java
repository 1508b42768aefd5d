package dev.meshwork.core.internal.route;

import static dev.meshwork.core.internal.route.TestRequests.get;
import static dev.meshwork.core.internal.route.TestRequests.prefix;
import static dev.meshwork.core.internal.route.TestRequests.route;
import static dev.meshwork.core.internal.route.TestRequests.routes;
import static dev.meshwork.core.internal.route.TestRequests.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.model.RouteModel;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedSelectionTest {
  private final Router router = routes(route("split", prefix("/"), weighted(
      new RouteModel.WeightedCluster("v1", 90), new RouteModel.WeightedCluster("v2", 10),
      new RouteModel.WeightedCluster("off", 0))));

  @Test
  void weightedSplit_90_10_exactOverEveryRandomInRange() {
    Map<String, Integer> counts = new HashMap<>();
    for (long r = 0; r < 100; r++) {
      counts.merge(router.select("a", get("/"), r).cluster(), 1, Integer::sum);
    }
    assertEquals(Map.of("v1", 90, "v2", 10), counts);
  }

  @Test
  void weightedSplit_90_10_observedWithinOnePointForArbitraryLongs() {
    SplittableRandom random = new SplittableRandom(42);
    int v2 = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      String c = router.select("a", get("/"), random.nextLong()).cluster();
      assertTrue(!c.equals("off"), "a zero-weight cluster is never chosen");
      v2 += c.equals("v2") ? 1 : 0;
    }
    assertEquals(10.0, 100.0 * v2 / n, 1.0);
  }

  @Test
  void negativeRandoms_areReducedIntoRange() {
    assertEquals("v2", router.select("a", get("/"), -1).cluster()); // floorMod(-1, 100) == 99
  }
}
