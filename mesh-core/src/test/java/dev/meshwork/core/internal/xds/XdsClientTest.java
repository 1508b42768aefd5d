package dev.meshwork.core.internal.xds;

import static dev.meshwork.core.internal.xds.TestParsers.await;
import static dev.meshwork.core.internal.xds.TestParsers.endpoints;
import static dev.meshwork.core.internal.xds.TestParsers.listener;
import static dev.meshwork.core.internal.xds.TypeUrls.CLUSTER_LOAD_ASSIGNMENT;
import static dev.meshwork.core.internal.xds.TypeUrls.LISTENER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.Code;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class XdsClientTest {
  private final FakeTime time = new FakeTime();
  private FakeAdsServer server;
  private XdsClient client;

  @BeforeEach
  void setUp() throws Exception {
    server = new FakeAdsServer();
    client = new XdsClient(TestParsers.config(server.target(), null, time));
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void firstRequestOfStream_carriesNode_laterRequestsListEveryNameWithoutNode() throws Exception {
    client.watch(LISTENER, "reviews", new RecordingWatcher<Listener>());
    DiscoveryRequest first = server.nextRequest();
    assertEquals(LISTENER, first.getTypeUrl());
    assertEquals(List.of("reviews"), first.getResourceNamesList());
    assertEquals("", first.getVersionInfo());
    assertEquals("", first.getResponseNonce());
    Node node = first.getNode();
    assertEquals("productpage-7", node.getId());
    assertEquals("productpage", node.getCluster());
    assertEquals("eu-west", node.getLocality().getRegion());
    assertEquals("eu-west-1a", node.getLocality().getZone());
    assertEquals("rack-3", node.getLocality().getSubZone());
    assertEquals("shop", node.getMetadata().getFieldsOrThrow("NAMESPACE").getStringValue());
    assertEquals("meshwork", node.getUserAgentName());

    client.watch(LISTENER, "details", new RecordingWatcher<Listener>());
    DiscoveryRequest second = server.nextRequest();
    assertEquals(List.of("details", "reviews"), second.getResourceNamesList());
    assertFalse(second.hasNode());
  }

  @Test
  void validResponse_isAckedWithItsVersionAndNonce_andDeliveredOnlyWhenChanged() throws Exception {
    RecordingWatcher<Listener> w = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", w);
    server.nextRequest();

    server.respond(LISTENER, "1", "n1", listener("reviews", "a"));
    DiscoveryRequest ack = server.nextRequest();
    assertEquals("1", ack.getVersionInfo());
    assertEquals("n1", ack.getResponseNonce());
    assertEquals(List.of("reviews"), ack.getResourceNamesList());
    assertFalse(ack.hasErrorDetail());
    assertEquals(listener("reviews", "a"), w.nextChanged());

    server.respond(LISTENER, "2", "n2", listener("reviews", "a"));
    assertEquals("2", server.nextRequest().getVersionInfo());
    w.assertNoEvents(); // same proto in a new version: nothing to tell

    RecordingWatcher<Listener> late = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", late);
    assertEquals(listener("reviews", "a"), late.nextChanged());
    client.watch(LISTENER, "details", new RecordingWatcher<Listener>());
    // The late watcher sent nothing: the next request is the one for the new name.
    assertEquals(List.of("details", "reviews"), server.nextRequest().getResourceNamesList());
  }

  @Test
  void invalidResource_isNackedWithPreviousVersionNameAndReason_andPreviousValueKept() throws Exception {
    RecordingWatcher<Listener> w = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", w);
    server.nextRequest();
    server.respond(LISTENER, "1", "n1", listener("reviews", "one"));
    server.nextRequest();
    assertEquals(listener("reviews", "one"), w.nextChanged());

    server.respond(LISTENER, "2", "n2", listener("reviews", "invalid"));
    DiscoveryRequest nack = server.nextRequest();
    assertEquals("1", nack.getVersionInfo());
    assertEquals("n2", nack.getResponseNonce());
    assertEquals(Code.INVALID_ARGUMENT_VALUE, nack.getErrorDetail().getCode());
    assertTrue(nack.getErrorDetail().getMessage().startsWith("Listener reviews: stat_prefix"),
        nack.getErrorDetail().getMessage());
    assertTrue(w.nextAmbientError().contains("stat_prefix"));

    RecordingWatcher<Listener> late = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", late);
    assertEquals(listener("reviews", "one"), late.nextChanged());

    server.respond(LISTENER, "3", "n3", listener("reviews", "three"));
    DiscoveryRequest ack = server.nextRequest();
    assertEquals("3", ack.getVersionInfo());
    assertFalse(ack.hasErrorDetail());
    assertEquals(listener("reviews", "three"), w.nextChanged());
  }

  @Test
  void lastNack_isKeptPerTypeForMonitoring_untilAResponseOfThatTypeIsAccepted() throws Exception {
    client.watch(LISTENER, "reviews", new RecordingWatcher<Listener>());
    server.nextRequest();
    server.respond(LISTENER, "1", "n1", listener("reviews", "one"));
    server.nextRequest();
    assertTrue(client.connected());
    assertTrue(client.lastNacks().isEmpty());

    server.respond(LISTENER, "2", "n2", listener("reviews", "invalid"));
    server.nextRequest();
    XdsClient.Nack nack = client.lastNacks().get(LISTENER);
    assertEquals("2", nack.version());
    assertTrue(nack.detail().contains("stat_prefix"), nack.detail());

    server.respond(LISTENER, "3", "n3", listener("reviews", "three"));
    server.nextRequest();
    assertTrue(client.lastNacks().isEmpty());
  }

  @Test
  void nack_namesEveryInvalidResource_andStillAppliesTheValidOnes() throws Exception {
    RecordingWatcher<Listener> good = new RecordingWatcher<>();
    RecordingWatcher<Listener> bad = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", good);
    server.nextRequest(); // once the client has fallen back to SotW, each watch sends one request
    client.watch(LISTENER, "bad-ratings", bad);
    server.nextRequest();

    server.respond(LISTENER, "1", "n1", listener("reviews", "a"), listener("bad-ratings", "a"));
    DiscoveryRequest nack = server.nextRequest();
    assertEquals("", nack.getVersionInfo());
    String detail = nack.getErrorDetail().getMessage();
    assertTrue(detail.contains("Listener bad-ratings: name:") && !detail.contains("bad-ratings: Listener"), detail);
    assertFalse(detail.contains("reviews:"), "only the invalid resource is named: " + detail);
    assertEquals(listener("reviews", "a"), good.nextChanged());
    assertTrue(bad.nextAmbientError().contains("bad-ratings"));
    bad.assertNoEvents(); // rejected, not deleted
  }

  @Test
  void fullStateTypes_treatOmittedResourcesAsDeleted_incrementalTypesDoNot() throws Exception {
    RecordingWatcher<Listener> a = new RecordingWatcher<>();
    RecordingWatcher<Listener> b = new RecordingWatcher<>();
    client.watch(LISTENER, "a", a);
    server.nextRequest();
    client.watch(LISTENER, "b", b);
    server.nextRequest();
    server.respond(LISTENER, "1", "n1", listener("a", "x"), listener("b", "x"));
    server.nextRequest();
    a.nextChanged();
    b.nextChanged();
    server.respond(LISTENER, "2", "n2", listener("a", "x"));
    assertEquals("2", server.nextRequest().getVersionInfo());
    b.nextMissing("b");
    a.assertNoEvents();

    RecordingWatcher<ClusterLoadAssignment> e1 = new RecordingWatcher<>();
    RecordingWatcher<ClusterLoadAssignment> e2 = new RecordingWatcher<>();
    client.watch(CLUSTER_LOAD_ASSIGNMENT, "e1", e1);
    client.watch(CLUSTER_LOAD_ASSIGNMENT, "e2", e2);
    server.nextRequest();
    server.nextRequest();
    server.respond(CLUSTER_LOAD_ASSIGNMENT, "1", "n3", endpoints("e1", 0), endpoints("e2", 0));
    server.nextRequest();
    e1.nextChanged();
    e2.nextChanged();
    server.respond(CLUSTER_LOAD_ASSIGNMENT, "2", "n4", endpoints("e1", 1));
    assertEquals("2", server.nextRequest().getVersionInfo());
    assertEquals(endpoints("e1", 1), e1.nextChanged());
    e2.assertNoEvents();
  }

  @Test
  void doesNotExistTimer_firesOnlyForResourcesNeverReceived() throws Exception {
    RecordingWatcher<ClusterLoadAssignment> ghost = new RecordingWatcher<>();
    RecordingWatcher<ClusterLoadAssignment> present = new RecordingWatcher<>();
    client.watch(CLUSTER_LOAD_ASSIGNMENT, "ghost", ghost);
    server.nextRequest();
    client.watch(CLUSTER_LOAD_ASSIGNMENT, "present", present);
    server.nextRequest();
    await(() -> time.pendingTasks() == 2, "does-not-exist timers once the stream is ready");

    server.respond(CLUSTER_LOAD_ASSIGNMENT, "1", "n1", endpoints("present", 0));
    server.nextRequest();
    present.nextChanged();
    assertEquals(1, time.pendingTasks(), "the received resource's timer is cancelled");

    time.advance(Duration.ofSeconds(14));
    ghost.assertNoEvents();
    time.advance(Duration.ofSeconds(1));
    ghost.nextMissing("ghost");
    present.assertNoEvents();
  }

  @Test
  void cancelWatch_unsubscribesWhenTheLastWatcherLeaves() throws Exception {
    RecordingWatcher<Listener> w1 = new RecordingWatcher<>();
    RecordingWatcher<Listener> w2 = new RecordingWatcher<>();
    RecordingWatcher<Listener> w3 = new RecordingWatcher<>();
    client.watch(LISTENER, "a", w1);
    server.nextRequest();
    client.watch(LISTENER, "a", w2);
    client.watch(LISTENER, "b", w3);
    assertEquals(List.of("a", "b"), server.nextRequest().getResourceNamesList());

    client.cancelWatch(LISTENER, "a", w1);
    client.cancelWatch(LISTENER, "b", w3);
    assertEquals(List.of("a"), server.nextRequest().getResourceNamesList());
    client.cancelWatch(LISTENER, "a", w2);
    assertEquals(List.of(), server.nextRequest().getResourceNamesList());
  }

  @Test
  void watch_rejectsTypesWithoutParser() {
    assertThrows(IllegalArgumentException.class,
        () -> client.watch("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "r", new RecordingWatcher<>()));
  }

  @Test
  void throwingWatcher_isLoggedAndDoesNotHurtOthers() throws Exception {
    ResourceWatcher<Listener> throwing = new ResourceWatcher<>() {
      @Override
      public void onChanged(Listener resource) {
        throw new IllegalStateException("watcher bug");
      }

      @Override
      public void onDoesNotExist(String name) {}

      @Override
      public void onAmbientError(String message) {}
    };
    RecordingWatcher<Listener> other = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", throwing);
    client.watch(LISTENER, "reviews", other);
    server.nextRequest();
    server.respond(LISTENER, "1", "n1", listener("reviews", "a"));
    assertEquals("1", server.nextRequest().getVersionInfo());
    assertEquals(listener("reviews", "a"), other.nextChanged());
  }
}
