package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwork.controlplane.internal.model.Destination;
import dev.meshwork.controlplane.internal.model.HttpRoute;
import dev.meshwork.controlplane.internal.model.Mirror;
import java.util.List;
import org.junit.jupiter.api.Test;

class MirrorParserTest {
  private static LoadResult vs(String http) {
    return TestConfigs.reviewsVirtualService(http);
  }

  private static HttpRoute only(LoadResult r) {
    return assertOk(r).virtualServices().get(0).http().get(0);
  }

  @Test
  void mirror_withPercentage_andWithoutIt_meaningAll() {
    HttpRoute half = only(vs("""
        - route: [{destination: {host: reviews, subset: v1}}]
          mirror: {host: reviews, subset: v2, port: {number: 9080}}
          mirrorPercentage: {value: 50}
        """));
    assertEquals(List.of(new Mirror(new Destination("reviews", "v2", 9080, 100), 50)), half.mirrors());
    HttpRoute all = only(vs("""
        - route: [{destination: {host: reviews, subset: v1}}]
          mirror: {host: shadow.default.svc.cluster.local}
        """));
    assertEquals(List.of(new Mirror(new Destination("shadow", null, 0, 100), 100)), all.mirrors());
    assertEquals(List.of(), only(vs("- route: [{destination: {host: reviews}}]")).mirrors());
  }

  @Test
  void mirrors_list_keepsOrderAndPercentages() {
    HttpRoute r = only(vs("""
        - route: [{destination: {host: reviews, subset: v1}}]
          mirrors:
          - destination: {host: reviews, subset: v2}
            percentage: {value: 0.5}
          - destination: {host: audit}
        """));
    assertEquals(List.of(new Mirror(new Destination("reviews", "v2", 0, 100), 0.5),
        new Mirror(new Destination("audit", null, 0, 100), 100)), r.mirrors());
  }

  @Test
  void mirrorSubset_mustBeDefinedByADestinationRule_likeRouteSubsets() {
    assertError(vs("""
        - route: [{destination: {host: reviews}}]
          mirror: {host: reviews, subset: v9}
        """), "vs.yaml doc 0 VirtualService default/reviews: spec.http[0].mirror.subset: subset v9 of host reviews "
        + "is not defined by DestinationRule default/reviews (vs.yaml doc 1) (defined: v1, v2)");
    assertError(vs("""
        - route: [{destination: {host: reviews}}]
          mirrors:
          - destination: {host: ratings, subset: v2}
        """), "spec.http[0].mirrors[0].destination.subset: subset v2 of host ratings is not defined by any DestinationRule");
  }

  @Test
  void badMirrors_areErrorsAtTheirPaths() {
    LoadResult r = vs("""
        - route: [{destination: {host: reviews}}]
          mirror: {host: reviews, weight: 5}
          mirrorPercentage: {value: 101}
          mirrors:
          - percentage: {value: 10}
          - destination: {subset: v1}
            percentage: {value: -1}
        - route: [{destination: {host: reviews}}]
          mirrorPercentage: {value: 10}
        - route: [{destination: {host: reviews}}]
          mirror: {host: reviews}
          mirror_percent: 10
        - route: [{destination: {host: reviews}}]
          mirror: {host: reviews}
          mirrorPercentage: {value: 0.00001}
        """);
    assertError(r, "spec.http[0].mirrors: set only one of mirror, mirrors");
    assertError(r, "spec.http[0].mirror.weight: unknown field");
    assertError(r, "spec.http[0].mirrorPercentage.value: 101 (expected: 0.0..100.0)");
    assertError(r, "spec.http[0].mirrors[0].destination: is required");
    assertError(r, "spec.http[0].mirrors[1].destination.host: is required");
    assertError(r, "spec.http[0].mirrors[1].percentage.value: -1 (expected: 0.0..100.0)");
    assertError(r, "spec.http[1].mirrorPercentage: set without mirror");
    assertError(r, "spec.http[2].mirror_percent: not supported by Meshwork yet (deprecated by Istio; use mirrorPercentage)");
    assertError(r, "spec.http[3].mirrorPercentage.value: 1.0E-5 (expected: 0 or 0.0001..100)");
  }
}
