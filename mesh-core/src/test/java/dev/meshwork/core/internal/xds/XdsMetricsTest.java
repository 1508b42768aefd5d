package dev.meshwork.core.internal.xds;

import static dev.meshwork.core.internal.xds.TestParsers.listener;
import static dev.meshwork.core.internal.xds.TypeUrls.LISTENER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class XdsMetricsTest {
  @Test
  void acksAndNacks_countedPerType_connectionStateFollowsTheStream() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    XdsMetrics metrics = new XdsMetrics(registry, "productpage");
    try (FakeAdsServer server = new FakeAdsServer();
        XdsClient client = new XdsClient(TestParsers.config(server.target(), null, new FakeTime()), metrics)) {
      RecordingWatcher<Listener> w = new RecordingWatcher<>();
      client.watch(LISTENER, "reviews", w);
      server.nextRequest();
      server.respond(LISTENER, "1", "n1", listener("reviews", "one"));
      server.nextRequest();
      server.respond(LISTENER, "2", "n2", listener("reviews", "invalid"));
      server.nextRequest();
      assertEquals(1, registry.get("meshwork.xds.acks").tag("type", "Listener").counter().count());
      assertEquals(1, registry.get("meshwork.xds.nacks").tag("type", "Listener").counter().count());
      assertEquals(1, registry.get("meshwork.xds.connected").tag("service", "productpage").gauge().value());
    }
    metrics.close();
    assertTrue(registry.getMeters().isEmpty(), "close removes the meters");
  }

  @Test
  void shortType_isTheMessageName() {
    assertEquals("ClusterLoadAssignment", XdsMetrics.shortType(TypeUrls.CLUSTER_LOAD_ASSIGNMENT));
    assertEquals("RouteConfiguration", XdsMetrics.shortType(TypeUrls.ROUTE_CONFIGURATION));
  }
}
