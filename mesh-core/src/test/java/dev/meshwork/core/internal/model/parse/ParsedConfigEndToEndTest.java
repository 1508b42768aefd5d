package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.XdsFixtures.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.internal.lb.ActiveRequests;
import dev.meshwork.core.internal.lb.PickContext;
import dev.meshwork.core.internal.lb.PriorityPicker;
import dev.meshwork.core.internal.lb.Randomness;
import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.model.RouteModel;
import dev.meshwork.core.internal.route.RouteSelection;
import dev.meshwork.core.internal.route.Router;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Control-plane-shaped xDS through the parsers into the router and pickers. */
class ParsedConfigEndToEndTest {
  private static MeshRequest request(Map<String, String> headers) {
    return new MeshRequest() {
      @Override
      public String method() {
        return "GET";
      }

      @Override
      public String path() {
        return "/reviews/1";
      }

      @Override
      public String query() {
        return null;
      }

      @Override
      public String header(String name) {
        return headers.get(name);
      }
    };
  }

  @Test
  void canaryRoute_withFaultForOneUser_andWeightedSplitForTheRest() throws Exception {
    Route jason = Route.newBuilder().setName("jason")
        .setMatch(RouteMatch.newBuilder().setPrefix("/").addHeaders(HeaderMatcher.newBuilder().setName("end-user")
            .setStringMatch(StringMatcher.newBuilder().setExact("jason"))))
        .setRoute(RouteAction.newBuilder().setCluster("outbound|80|v2|reviews").setTimeout(XdsFixtures.seconds(0)))
        .putTypedPerFilterConfig("envoy.filters.http.fault", Any.pack(HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder()
            .setHttpStatus(503).setPercentage(FractionalPercent.newBuilder().setNumerator(1_000_000)
                .setDenominator(FractionalPercent.DenominatorType.MILLION))).build()))
        .build();
    Route split = Route.newBuilder().setName("split").setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setTimeout(XdsFixtures.seconds(0)).setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("outbound|80|v1|reviews").setWeight(u32(90)))
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("outbound|80|v2|reviews").setWeight(u32(10)))))
        .build();
    RouteModel.ListenerConfig listener = new ListenerParser().parse(XdsFixtures.controlPlaneListener("reviews", true));
    RouteModel.RouteConfig rc = new RouteConfigParser().parse(XdsFixtures.routeConfig("reviews", jason, split));
    Router router = new Router(rc, listener);

    RouteSelection s = router.select("reviews", request(Map.of("end-user", "jason")), 0);
    assertEquals("outbound|80|v2|reviews", s.cluster());
    assertEquals(503, s.fault().abortHttpStatus());
    assertEquals("outbound|80|v1|reviews", router.select("reviews", request(Map.of()), 89).cluster());
    assertEquals("outbound|80|v2|reviews", router.select("reviews", request(Map.of()), 90).cluster());
    assertNull(router.select("reviews", request(Map.of()), 0).fault());
  }

  @Test
  void controlPlaneClusterAndEndpoints_pickAHealthyEndpoint() throws Exception {
    ClusterModel.Cluster cluster = new ClusterParser().parse(XdsFixtures.controlPlaneCluster().build());
    ClusterModel.Endpoints endpoints = new EndpointsParser().parse(XdsFixtures.assignment(
        XdsFixtures.locality("eu", "eu-1", "", 0, XdsFixtures.lbEndpoint("10.0.0.1", 8080, 1), XdsFixtures.lbEndpoint("10.0.0.2", 8080, 1)),
        XdsFixtures.locality("us", "us-1", "", 0, XdsFixtures.lbEndpoint("10.1.0.1", 8080, 1))));
    ClusterModel.Locality own = new ClusterModel.Locality("eu", "eu-1", "");
    PriorityPicker picker = PriorityPicker.build(cluster, endpoints, own, new ActiveRequests(), Randomness.seeded(1));
    for (int i = 0; i < 20; i++) {
      // Outlier detection is on, so the client's own zone is preferred (Istio's locality failover).
      assertTrue(picker.pick(PickContext.DEFAULT).ip().startsWith("10.0.0."));
    }
    assertEquals("10.1.0.1", picker.pick(new PickContext(PickContext.NO_HASH, a -> a.ip().startsWith("10.1."))).ip());
  }
}
