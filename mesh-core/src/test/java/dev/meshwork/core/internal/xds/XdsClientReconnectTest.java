package dev.meshwork.core.internal.xds;

import static dev.meshwork.core.internal.xds.TestParsers.await;
import static dev.meshwork.core.internal.xds.TestParsers.endpoints;
import static dev.meshwork.core.internal.xds.TestParsers.listener;
import static dev.meshwork.core.internal.xds.TypeUrls.CLUSTER_LOAD_ASSIGNMENT;
import static dev.meshwork.core.internal.xds.TypeUrls.LISTENER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.github.resilience4j.core.IntervalFunction;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stream lifecycle: reconnects, backoff, close. */
class XdsClientReconnectTest {
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
  void streamCompletedByServer_reconnectsAfterBackoff_resendingSubscriptionsWithAckedVersions() throws Exception {
    RecordingWatcher<Listener> l = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", l);
    client.watch(CLUSTER_LOAD_ASSIGNMENT, "e1", new RecordingWatcher<ClusterLoadAssignment>());
    server.nextRequest();
    server.nextRequest();
    server.respond(LISTENER, "1", "n1", listener("reviews", "a"));
    server.nextRequest();
    server.respond(CLUSTER_LOAD_ASSIGNMENT, "7", "n2", endpoints("e1", 0));
    server.nextRequest();
    l.nextChanged();

    server.completeStream();
    await(() -> time.pendingTasks() == 1, "the reconnect timer");
    time.advance(Duration.ofMillis(999));
    assertEquals(1, time.pendingTasks(), "still backing off");
    time.advance(Duration.ofMillis(1));

    FakeAdsServer.Received lds = server.next();
    assertEquals(2, lds.stream());
    assertTrue(lds.request().hasNode());
    assertEquals(List.of("reviews"), lds.request().getResourceNamesList());
    assertEquals("1", lds.request().getVersionInfo());
    assertEquals("", lds.request().getResponseNonce());
    FakeAdsServer.Received eds = server.next();
    assertEquals(2, eds.stream());
    assertFalse(eds.request().hasNode());
    assertEquals(CLUSTER_LOAD_ASSIGNMENT, eds.request().getTypeUrl());
    assertEquals("7", eds.request().getVersionInfo());
    l.assertNoEvents(); // a normal close after responses is no error
  }

  @Test
  void streamFailure_isAmbientError_dataKept_andBackoffResetsAfterAResponse() throws Exception {
    client.close();
    client = new XdsClient(new XdsClientConfig(TestParsers.settings(server.target(), "productpage-7"),
        TestParsers.all(), Runnable::run, null, time.clock, time.scheduler, null,
        IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(1), 2.0)));
    RecordingWatcher<Listener> w = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", w);
    server.nextRequest();
    server.respond(LISTENER, "1", "n1", listener("reviews", "a"));
    server.nextRequest();
    w.nextChanged();

    server.failStream(Status.UNAVAILABLE.withDescription("boom"));
    String error = w.nextAmbientError();
    assertTrue(error.contains("UNAVAILABLE") && error.contains("boom"), error);
    await(() -> time.pendingTasks() == 1, "the reconnect timer");
    time.advance(Duration.ofSeconds(1)); // attempt 1 after a response: 1 s
    assertEquals(2, server.next().stream());

    server.failStream(Status.UNAVAILABLE.withDescription("again"));
    w.nextAmbientError();
    await(() -> time.pendingTasks() == 1, "the reconnect timer");
    time.advance(Duration.ofSeconds(1));
    assertEquals(1, time.pendingTasks(), "attempt 2 without a response waits 2 s");
    time.advance(Duration.ofSeconds(1));
    FakeAdsServer.Received third = server.next();
    assertEquals(3, third.stream());
    assertEquals("1", third.request().getVersionInfo());

    server.respond(LISTENER, "1", "n9", listener("reviews", "a"));
    server.nextRequest();
    server.failStream(Status.INTERNAL);
    w.nextAmbientError();
    await(() -> time.pendingTasks() == 1, "the reconnect timer");
    time.advance(Duration.ofSeconds(1)); // reset by the response: 1 s again
    assertEquals(4, server.next().stream());

    RecordingWatcher<Listener> late = new RecordingWatcher<>();
    client.watch(LISTENER, "reviews", late);
    assertEquals(listener("reviews", "a"), late.nextChanged());
  }

  @Test
  void close_stopsTheClientsOwnThread_andIsIdempotent() throws Exception {
    XdsClient own = new XdsClient(new XdsClientConfig(TestParsers.settings(server.target(), "closer"),
        TestParsers.all(), Runnable::run, null, null, null, null, null));
    own.watch(LISTENER, "reviews", new RecordingWatcher<Listener>());
    server.nextRequest();
    await(() -> xdsThreads() > 0, "the client's scheduler thread (does-not-exist timer)");

    own.close();
    assertEquals(0, xdsThreads(), "threads named meshwork-xds-* after close()");
    own.close();
    own.watch(LISTENER, "after-close", new RecordingWatcher<Listener>()); // ignored, no exception
  }

  private static long xdsThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("meshwork-xds-")).count();
  }
}
