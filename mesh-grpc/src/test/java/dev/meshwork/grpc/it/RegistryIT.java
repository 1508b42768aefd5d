package dev.meshwork.grpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.api.registry.v1.HeartbeatRequest;
import dev.meshwork.api.registry.v1.Instance;
import dev.meshwork.api.registry.v1.RegisterRequest;
import dev.meshwork.api.registry.v1.RegistryGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoints follow the registry: leases lapse, deregistration is immediate. */
class RegistryIT {
  @TempDir Path tmp;
  MeshFixture mesh;
  ManagedChannel cpChannel;

  @BeforeEach
  void setUp() throws Exception {
    mesh = new MeshFixture(tmp);
    cpChannel = Grpc.newChannelBuilder(mesh.cp.xdsTarget(), InsecureChannelCredentials.create()).build();
  }

  @AfterEach
  void tearDown() {
    cpChannel.shutdownNow();
    mesh.close();
  }

  @Test
  void instanceWhoseHeartbeatsStop_dropsOutWithinItsTtl_andGetsNoFurtherCalls() throws Exception {
    mesh.backend("inventory", "inventory-steady", "v1");
    Backend silent = new Backend("inventory-silent");
    try {
      var registry = RegistryGrpc.newBlockingStub(cpChannel);
      long ttlMillis = 1000;
      String lease = registry.register(RegisterRequest.newBuilder()
          .setInstance(Instance.newBuilder().setInstanceId("inventory-silent").setService("inventory")
              .setAddress("127.0.0.1").setPort(silent.port()).putLabels("version", "v1"))
          .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(ttlMillis / 1000))
          .build()).getLeaseId();
      // Heartbeat in the background while the client converges (a slow CI machine may take longer
      // than the TTL), then stop: from the last beat on, the instance is silent.
      java.util.concurrent.atomic.AtomicBoolean beating = new java.util.concurrent.atomic.AtomicBoolean(true);
      Thread heart = new Thread(() -> {
        while (beating.get()) {
          registry.heartbeat(HeartbeatRequest.newBuilder().setLeaseId(lease).build());
          try {
            Thread.sleep(ttlMillis / 5);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "test-heartbeat");
      heart.start();
      ManagedChannel ch = mesh.channel("inventory");
      mesh.awaitServedBy(ch, Map.of(), "inventory-steady", "inventory-silent");
      beating.set(false);
      heart.join();
      registry.heartbeat(HeartbeatRequest.newBuilder().setLeaseId(lease).build());
      long lastBeat = System.nanoTime();
      // The process keeps serving but stops heartbeating (a hung agent, a partition).
      long droppedAt = -1;
      long seen = silent.calls.get();
      while (System.nanoTime() - lastBeat < 5_000_000_000L) {
        Echo.who(ch);
        if (silent.calls.get() != seen) {
          seen = silent.calls.get();
          droppedAt = -1;
        } else if (droppedAt < 0) {
          droppedAt = System.nanoTime();
        }
        if (droppedAt > 0 && System.nanoTime() - droppedAt > 300_000_000L) {
          break; // 300 ms of calls without reaching it: out of rotation
        }
      }
      assertTrue(droppedAt > 0, "the silent instance was never dropped");
      long afterMs = (droppedAt - lastBeat) / 1_000_000;
      // Lease TTL, plus the lease sweep (100 ms) and the push to the client.
      assertTrue(afterMs <= ttlMillis + 400, "dropped " + afterMs + " ms after the last heartbeat (ttl " + ttlMillis + ")");
      assertTrue(afterMs >= ttlMillis - 100, "dropped " + afterMs + " ms after the last heartbeat: before its lease ended");
      long before = silent.calls.get();
      Map<String, Integer> counts = MeshFixture.distribution(ch, Map.of(), 500);
      assertEquals(Map.of("inventory-steady", 500), counts);
      assertEquals(before, silent.calls.get());
      StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
          () -> registry.heartbeat(HeartbeatRequest.newBuilder().setLeaseId(lease).build()));
      assertEquals(io.grpc.Status.Code.NOT_FOUND, e.getStatus().getCode());
    } finally {
      silent.close();
    }
  }

  @Test
  void deregistration_removesTheInstanceAtOnce() throws Exception {
    mesh.backend("inventory", "inventory-steady", "v1");
    Backend leaving = mesh.backend("inventory", "inventory-leaving", "v1");
    ManagedChannel ch = mesh.channel("inventory");
    mesh.awaitServedBy(ch, Map.of(), "inventory-steady", "inventory-leaving");
    long t0 = System.nanoTime();
    leaving.close(); // deregisters, then stops serving
    Map<String, Integer> counts = MeshFixture.distribution(ch, Map.of(), 300);
    assertEquals(300, counts.getOrDefault("inventory-steady", 0) + counts.getOrDefault("ERROR:UNAVAILABLE", 0));
    // after the push no call goes there: the last 200 calls all succeed on the steady instance
    Map<String, Integer> later = MeshFixture.distribution(ch, Map.of(), 200);
    assertEquals(Map.of("inventory-steady", 200), later, "after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
  }

  @Test
  void registration_withBadAddress_isRefusedWithTheFieldNamed() {
    var registry = RegistryGrpc.newBlockingStub(cpChannel);
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> registry.register(RegisterRequest.newBuilder()
            .setInstance(Instance.newBuilder().setInstanceId("x").setService("inventory").setAddress("not-an-ip").setPort(80))
            .build()));
    assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("instance.address"), e.getStatus().toString());
  }
}
