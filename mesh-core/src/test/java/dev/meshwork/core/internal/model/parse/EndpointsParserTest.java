package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.XdsFixtures.assignment;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.lbEndpoint;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.locality;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.xds.InvalidResourceException;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointsParserTest {
  private final EndpointsParser parser = new EndpointsParser();

  private String error(ClusterLoadAssignment cla) {
    return assertThrows(InvalidResourceException.class, () -> parser.parse(cla)).getMessage();
  }

  @Test
  void controlPlaneAssignment_localitiesAndEndpoints() throws Exception {
    ClusterLoadAssignment cla = assignment(
        locality("eu", "eu-1a", "", 0, lbEndpoint("10.0.0.1", 8080, 1), lbEndpoint("10.0.0.2", 8080, 3)),
        locality("us", "us-1b", "rack7", 1, lbEndpoint("::1", 9090, 1)));
    ClusterModel.Endpoints e = parser.parse(cla);
    assertEquals(XdsFixtures.CLUSTER, parser.name(cla));
    assertEquals(XdsFixtures.CLUSTER, e.name());
    assertEquals(new ClusterModel.LocalityGroup("eu", "eu-1a", "", 0, 2, List.of(
        new ClusterModel.Address("10.0.0.1", 8080, 1, true), new ClusterModel.Address("10.0.0.2", 8080, 3, true))),
        e.localities().get(0));
    ClusterModel.LocalityGroup us = e.localities().get(1);
    assertEquals(1, us.priority());
    assertEquals("rack7", us.subZone());
    assertEquals("[::1]:9090", us.endpoints().get(0).hostPort());
  }

  @Test
  void defaults_weightOneAndUnknownHealthIsHealthy() throws Exception {
    LbEndpoint bare = lbEndpoint("10.0.0.1", 80, 1).toBuilder().clearLoadBalancingWeight().setHealthStatus(HealthStatus.UNKNOWN).build();
    LbEndpoint draining = lbEndpoint("10.0.0.2", 80, 1).toBuilder().setHealthStatus(HealthStatus.DRAINING).build();
    ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("c")
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(bare).addLbEndpoints(draining)).build();
    ClusterModel.LocalityGroup g = parser.parse(cla).localities().get(0);
    assertEquals(1, g.weight());
    assertEquals("", g.region());
    assertEquals(List.of(new ClusterModel.Address("10.0.0.1", 80, 1, true), new ClusterModel.Address("10.0.0.2", 80, 1, false)),
        g.endpoints());
  }

  @Test
  void hostnames_areInvalid() {
    assertEquals("endpoints outbound|80||reviews: endpoints[0].lb_endpoints[1].endpoint.address.socket_address.address "
        + "\"reviews.default\" is not an IP address",
        error(assignment(locality("", "", "", 0, lbEndpoint("10.0.0.1", 80, 1), lbEndpoint("reviews.default", 80, 1)))));
  }

  @Test
  void badPortsAndWeights_areInvalid() {
    assertEquals("endpoints outbound|80||reviews: endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value "
        + "0 is out of range (expected: 1-65535)", error(assignment(locality("", "", "", 0, lbEndpoint("10.0.0.1", 0, 1)))));
    assertEquals("endpoints outbound|80||reviews: endpoints[0].lb_endpoints[0].load_balancing_weight is 0 (expected: >= 1)",
        error(assignment(locality("", "", "", 0, lbEndpoint("10.0.0.1", 80, 0)))));
  }
}
