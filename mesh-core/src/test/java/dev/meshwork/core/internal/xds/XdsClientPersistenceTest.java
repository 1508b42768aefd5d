package dev.meshwork.core.internal.xds;

import static dev.meshwork.core.internal.xds.TestParsers.cluster;
import static dev.meshwork.core.internal.xds.TestParsers.listener;
import static dev.meshwork.core.internal.xds.TypeUrls.CLUSTER;
import static dev.meshwork.core.internal.xds.TypeUrls.LISTENER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XdsClientPersistenceTest {
  // Nothing listens on port 1: the control plane is down.
  private static final String NO_CONTROL_PLANE = "127.0.0.1:1";
  private static final String CLUSTER_NAME = "outbound|9080||reviews";

  private final FakeTime time = new FakeTime();

  @TempDir
  Path dir;

  @Test
  void acceptedConfig_isPersisted_andServedOnRestartWithoutControlPlane() throws Exception {
    try (FakeAdsServer server = new FakeAdsServer();
        XdsClient first = new XdsClient(TestParsers.config(server.target(), dir, time))) {
      first.watch(LISTENER, "reviews", new RecordingWatcher<Listener>());
      first.watch(CLUSTER, CLUSTER_NAME, new RecordingWatcher<Cluster>());
      server.nextRequest();
      server.nextRequest();
      server.respond(LISTENER, "1", "n1", listener("reviews", "a"));
      server.nextRequest();
      server.respond(CLUSTER, "4", "n2", cluster(CLUSTER_NAME));
      server.nextRequest(); // the ACK goes out after the snapshot is written
    }
    Path file = dir.resolve("xds-productpage.snapshot");
    SnapshotFile.Snapshot saved = SnapshotFile.read(file);
    assertEquals(FakeTime.START, saved.savedAt());
    assertEquals(listener("reviews", "a"), Any.parseFrom(saved.resources().get(LISTENER).get("reviews")).unpack(Listener.class));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temp files left behind");
    }

    time.advance(Duration.ofMinutes(5));
    try (XdsClient restarted = new XdsClient(TestParsers.config(NO_CONTROL_PLANE, dir, time))) {
      RecordingWatcher<Listener> l = new RecordingWatcher<>();
      RecordingWatcher<Cluster> c = new RecordingWatcher<>();
      restarted.watch(LISTENER, "reviews", l);
      assertEquals(Optional.of(FakeTime.START), restarted.staleSince());
      assertEquals(listener("reviews", "a"), l.nextChanged());
      restarted.watch(CLUSTER, CLUSTER_NAME, c);
      assertEquals(cluster(CLUSTER_NAME), c.nextChanged());
      // An unreachable control plane is an ambient error; the persisted config stays in use.
      assertTrue(l.nextAmbientError().contains("UNAVAILABLE"));
      assertEquals(Optional.of(FakeTime.START), restarted.staleSince());
    }
  }

  @Test
  void staleSince_clearsOnceTheControlPlaneHasSentEveryPersistedType() throws Exception {
    SnapshotFile.write(dir.resolve("xds-productpage.snapshot"), FakeTime.START, Map.of(
        LISTENER, Map.of("reviews", Any.pack(listener("reviews", "old")).toByteArray()),
        CLUSTER, Map.of(CLUSTER_NAME, Any.pack(cluster(CLUSTER_NAME)).toByteArray())));
    time.advance(Duration.ofHours(1));
    try (FakeAdsServer server = new FakeAdsServer();
        XdsClient client = new XdsClient(TestParsers.config(server.target(), dir, time))) {
      RecordingWatcher<Listener> l = new RecordingWatcher<>();
      client.watch(LISTENER, "reviews", l);
      client.watch(CLUSTER, CLUSTER_NAME, new RecordingWatcher<Cluster>());
      assertEquals(Optional.of(FakeTime.START), client.staleSince());
      assertEquals(listener("reviews", "old"), l.nextChanged());
      server.nextRequest();
      server.nextRequest();

      server.respond(LISTENER, "1", "n1", listener("reviews", "new"));
      server.nextRequest();
      assertEquals(listener("reviews", "new"), l.nextChanged());
      assertEquals(Optional.of(FakeTime.START), client.staleSince(), "CDS not confirmed yet");

      server.respond(CLUSTER, "1", "n2", cluster(CLUSTER_NAME));
      server.nextRequest();
      assertEquals(Optional.empty(), client.staleSince());
      assertEquals(FakeTime.START.plus(Duration.ofHours(1)),
          SnapshotFile.read(dir.resolve("xds-productpage.snapshot")).savedAt());
    }
  }

  @Test
  void corruptSnapshot_isIgnoredWithAWarningNamingTheFile() throws Exception {
    Path file = dir.resolve("xds-productpage.snapshot");
    SnapshotFile.write(file, FakeTime.START, Map.of(LISTENER, Map.of("reviews",
        Any.pack(listener("reviews", "a")).toByteArray())));
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(file, bytes);

    String log = startCapturingLog(file);
    assertTrue(log.contains("Ignoring persisted xDS config " + file) && log.contains("checksum"), log);
  }

  @Test
  void unreadableSnapshot_isIgnoredWithAWarning() throws Exception {
    Path file = dir.resolve("xds-productpage.snapshot");
    Files.writeString(file, "not a snapshot: some text that someone left in the directory");
    String log = startCapturingLog(file);
    assertTrue(log.contains("Ignoring persisted xDS config " + file) && log.contains("magic"), log);
  }

  /** Starts a client on {@code file}'s directory and returns what it logged (slf4j-simple: stderr). */
  private String startCapturingLog(Path file) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    try (XdsClient client = new XdsClient(TestParsers.config(NO_CONTROL_PLANE, file.getParent(), time))) {
      RecordingWatcher<Listener> w = new RecordingWatcher<>();
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        client.watch(LISTENER, "reviews", w); // the first call starts the client on this thread
      } finally {
        System.setErr(original);
      }
      assertEquals(Optional.empty(), client.staleSince());
      assertTrue(w.nextAmbientError().contains("UNAVAILABLE"), "no persisted value comes before the error");
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
