package dev.meshwork.core.internal.xds;

import static dev.meshwork.core.internal.xds.FakeAdsServer.resource;
import static dev.meshwork.core.internal.xds.TestParsers.await;
import static dev.meshwork.core.internal.xds.TestParsers.cluster;
import static dev.meshwork.core.internal.xds.TestParsers.endpoints;
import static dev.meshwork.core.internal.xds.TestParsers.listener;
import static dev.meshwork.core.internal.xds.TypeUrls.CLUSTER;
import static dev.meshwork.core.internal.xds.TypeUrls.CLUSTER_LOAD_ASSIGNMENT;
import static dev.meshwork.core.internal.xds.TypeUrls.LISTENER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incremental (delta) ADS, and the fallback to state of the world. */
class XdsClientDeltaTest {
  private final FakeTime time = new FakeTime();
  private FakeAdsServer server;
  private XdsClient client;

  @TempDir
  Path dir;

  @BeforeEach
  void setUp() throws Exception {
    server = FakeAdsServer.withDelta();
    client = new XdsClient(TestParsers.config(server.target(), null, time));
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void firstRequestCarriesNode_thenOnlySubscriptionChangesAreSent() throws Exception {
    client.watch(LISTENER, "reviews", new RecordingWatcher<Listener>());
    DeltaDiscoveryRequest first = server.nextDeltaRequest();
    assertEquals(LISTENER, first.getTypeUrl());
    assertEquals("productpage-7", first.getNode().getId());
    assertEquals(List.of("reviews"), first.getResourceNamesSubscribeList());
    assertEquals(List.of(), first.getResourceNamesUnsubscribeList());
    assertEquals(Map.of(), first.getInitialResourceVersionsMap());
    assertEquals("", first.getResponseNonce());

    RecordingWatcher<Listener> details = new RecordingWatcher<>();
    client.watch(LISTENER, "details", details);
    DeltaDiscoveryRequest second = server.nextDeltaRequest();
    assertFalse(second.hasNode());
    assertEquals(List.of("details"), second.getResourceNamesSubscribeList());
    assertEquals(List.of(), second.getResourceNamesUnsubscribeList());

    client.watch(LISTENER, "details", details); // already watching: nothing sent
    client.cancelWatch(LISTENER, "reviews", new RecordingWatcher<Listener>()); // not a watcher: nothing sent
    client.watch(CLUSTER_LOAD_ASSIGNMENT, "e1", new RecordingWatcher<ClusterLoadAssignment>());
    DeltaDiscoveryRequest eds = server.nextDeltaRequest();
    assertEquals(CLUSTER_LOAD_ASSIGNMENT, eds.getTypeUrl());
    assertEquals(List.of("e1"), eds.getResourceNamesSubscribeList());

    client.cancelWatch(LISTENER, "details", details);
    DeltaDiscoveryRequest third = server.nextDeltaRequest();
    assertEquals(LISTENER, third.getTypeUrl());
    assertEquals(List.of(), third.getResourceNamesSubscribeList());
    assertEquals(List.of("details"), third.getResourceNamesUnsubscribeList());
    assertTrue(server.noPendingDeltaRequests());
  }

  @Test
  void validResponseIsAckedByNonce_invalidIsNackedNamingTheResource_andPreviousValueKept() throws Exception {
    RecordingWatcher<Listener> w = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", w);
    server.nextDeltaRequest();

    server.respondDelta(LISTENER, "n1", List.of(resource("reviews", "v1", listener("reviews", "one"))));
    DeltaDiscoveryRequest ack = server.nextDeltaRequest();
    assertEquals(LISTENER, ack.getTypeUrl());
    assertEquals("n1", ack.getResponseNonce());
    assertFalse(ack.hasErrorDetail());
    assertEquals(List.of(), ack.getResourceNamesSubscribeList());
    assertEquals(listener("reviews", "one"), w.nextChanged());

    server.respondDelta(LISTENER, "n2", List.of(resource("reviews", "v2", listener("reviews", "invalid"))));
    DeltaDiscoveryRequest nack = server.nextDeltaRequest();
    assertEquals("n2", nack.getResponseNonce());
    assertEquals(Code.INVALID_ARGUMENT_VALUE, nack.getErrorDetail().getCode());
    assertTrue(nack.getErrorDetail().getMessage().startsWith("Listener reviews: stat_prefix"),
        nack.getErrorDetail().getMessage());
    assertTrue(w.nextAmbientError().contains("stat_prefix"));

    RecordingWatcher<Listener> late = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", late);
    assertEquals(listener("reviews", "one"), late.nextChanged());

    server.respondDelta(LISTENER, "n3", List.of(resource("reviews", "v3", listener("reviews", "three"))));
    assertFalse(server.nextDeltaRequest().hasErrorDetail());
    assertEquals(listener("reviews", "three"), w.nextChanged());
  }

  @Test
  void removedResourcesAreReportedNonexistent_omittedOnesStayEvenForListeners() throws Exception {
    RecordingWatcher<Listener> a = new RecordingWatcher<>();
    RecordingWatcher<Listener> b = new RecordingWatcher<>();
    client.watch(LISTENER, "a", a);
    server.nextDeltaRequest();
    client.watch(LISTENER, "b", b);
    server.nextDeltaRequest();
    server.respondDelta(LISTENER, "n1",
        List.of(resource("a", "1", listener("a", "x")), resource("b", "1", listener("b", "x"))));
    server.nextDeltaRequest();
    a.nextChanged();
    b.nextChanged();

    server.respondDelta(LISTENER, "n2", List.of(), "b");
    assertEquals("n2", server.nextDeltaRequest().getResponseNonce());
    b.nextMissing("b");
    a.assertNoEvents(); // omitted from a delta response: unchanged

    server.respondDelta(LISTENER, "n3", List.of(resource("b", "2", listener("b", "back"))));
    server.nextDeltaRequest();
    assertEquals(listener("b", "back"), b.nextChanged());
  }

  @Test
  void resourcesSentBeforeTheyAreSubscribed_areServedWhenTheyAre() throws Exception {
    // java-control-plane treats delta LDS/CDS on ADS as wildcard: it sends every cluster and
    // never again the ones it already sent when the client subscribes to them later.
    client.watch(CLUSTER, "c1", new RecordingWatcher<Cluster>());
    server.nextDeltaRequest();
    server.respondDelta(CLUSTER, "n1", List.of(resource("c1", "1", cluster("c1")), resource("c2", "1", cluster("c2")),
        resource("c3", "1", cluster("c3"))));
    server.nextDeltaRequest();
    server.respondDelta(CLUSTER, "n2", List.of(), "c3");
    server.nextDeltaRequest();

    RecordingWatcher<Cluster> c2 = new RecordingWatcher<>();
    client.watch(CLUSTER, "c2", c2);
    assertEquals(cluster("c2"), c2.nextChanged());
    assertEquals(List.of("c2"), server.nextDeltaRequest().getResourceNamesSubscribeList());
    RecordingWatcher<Cluster> c3 = new RecordingWatcher<>();
    client.watch(CLUSTER, "c3", c3);
    assertEquals(List.of("c3"), server.nextDeltaRequest().getResourceNamesSubscribeList());
    c3.assertNoEvents(); // removed since: nothing kept for it
  }

  @Test
  void doesNotExistTimer_asInStateOfTheWorld() throws Exception {
    RecordingWatcher<ClusterLoadAssignment> ghost = new RecordingWatcher<>();
    client.watch(CLUSTER_LOAD_ASSIGNMENT, "ghost", ghost);
    server.nextDeltaRequest();
    await(() -> time.pendingTasks() == 1, "the does-not-exist timer once the stream is ready");
    time.advance(Duration.ofSeconds(15));
    ghost.nextMissing("ghost");
  }

  @Test
  void reconnect_sendsInitialResourceVersionsOfWhatIsHeld() throws Exception {
    RecordingWatcher<Listener> l = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", l);
    server.nextDeltaRequest();
    client.watch(CLUSTER_LOAD_ASSIGNMENT, "e1", new RecordingWatcher<ClusterLoadAssignment>());
    client.watch(CLUSTER_LOAD_ASSIGNMENT, "e2", new RecordingWatcher<ClusterLoadAssignment>());
    server.nextDeltaRequest();
    server.nextDeltaRequest();
    server.respondDelta(LISTENER, "n1", List.of(resource("reviews", "lv1", listener("reviews", "a"))));
    server.nextDeltaRequest();
    server.respondDelta(CLUSTER_LOAD_ASSIGNMENT, "n2", List.of(resource("e1", "ev7", endpoints("e1", 0))));
    server.nextDeltaRequest();
    l.nextChanged();

    server.completeDeltaStream();
    // Until the close is handled e2's 15 s does-not-exist timer is the pending task.
    await(() -> time.onlyTaskDueWithin(Duration.ofSeconds(1)), "the reconnect timer");
    time.advance(Duration.ofSeconds(1));

    FakeAdsServer.DeltaReceived lds = server.nextDelta();
    assertEquals(2, lds.stream());
    assertTrue(lds.request().hasNode());
    assertEquals(LISTENER, lds.request().getTypeUrl());
    assertEquals(List.of("reviews"), lds.request().getResourceNamesSubscribeList());
    assertEquals(Map.of("reviews", "lv1"), lds.request().getInitialResourceVersionsMap());
    assertEquals("", lds.request().getResponseNonce());
    FakeAdsServer.DeltaReceived eds = server.nextDelta();
    assertEquals(2, eds.stream());
    assertFalse(eds.request().hasNode());
    assertEquals(List.of("e1", "e2"), eds.request().getResourceNamesSubscribeList());
    assertEquals(Map.of("e1", "ev7"), eds.request().getInitialResourceVersionsMap(), "e2 was never received");

    // The server resends what it has anyway: the same proto under a new version is no change.
    server.respondDelta(LISTENER, "n1", List.of(resource("reviews", "lv1", listener("reviews", "a"))));
    assertEquals("n1", server.nextDeltaRequest().getResponseNonce());
    l.assertNoEvents();
  }

  @Test
  void deltaConfig_isPersistedLikeStateOfTheWorld() throws Exception {
    client.close();
    client = new XdsClient(TestParsers.config(server.target(), dir, time));
    client.watch(CLUSTER, "outbound|9080||reviews", new RecordingWatcher<Cluster>());
    server.nextDeltaRequest();
    server.respondDelta(CLUSTER, "n1", List.of(resource("outbound|9080||reviews", "1", cluster("outbound|9080||reviews"))));
    server.nextDeltaRequest(); // the ACK goes out after the snapshot is scheduled
    client.close(); // flushes

    SnapshotFile.Snapshot saved = SnapshotFile.read(dir.resolve("xds-productpage.snapshot"));
    assertEquals(cluster("outbound|9080||reviews"),
        Any.parseFrom(saved.resources().get(CLUSTER).get("outbound|9080||reviews")).unpack(Cluster.class));
  }

  @Test
  void serverWithoutDelta_getsStateOfTheWorldForTheClientsLifetime() throws Exception {
    try (FakeAdsServer sotw = new FakeAdsServer();
        XdsClient c = new XdsClient(TestParsers.config(sotw.target(), null, time))) {
      RecordingWatcher<Listener> w = new RecordingWatcher<>();
      c.watch(LISTENER, "reviews", w);
      FakeAdsServer.Received first = sotw.next();
      assertEquals(1, first.stream());
      assertTrue(first.request().hasNode());
      assertEquals(List.of("reviews"), first.request().getResourceNamesList());
      w.assertNoEvents(); // UNIMPLEMENTED is no error for watchers

      sotw.respond(LISTENER, "1", "n1", listener("reviews", "a"));
      DiscoveryRequest ack = sotw.nextRequest();
      assertEquals("1", ack.getVersionInfo());
      assertEquals(listener("reviews", "a"), w.nextChanged());

      sotw.completeStream();
      await(() -> time.pendingTasks() == 1, "the reconnect timer");
      time.advance(Duration.ofSeconds(1));
      FakeAdsServer.Received again = sotw.next(); // straight back to SotW, no new delta attempt
      assertEquals(2, again.stream());
      assertEquals("1", again.request().getVersionInfo());
      assertEquals(Optional.empty(), c.staleSince());
    }
  }
}
