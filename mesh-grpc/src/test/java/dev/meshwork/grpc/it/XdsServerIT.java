package dev.meshwork.grpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.MeshRegistration;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.grpc.MeshServers;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gRPC's own xDS server (XdsServerBuilder) gets its inbound listener from our control plane and serves. */
class XdsServerIT {
  @TempDir Path tmp;

  @Test
  void xdsServer_receivesItsListener_servesMeshTraffic() throws Exception {
    try (MeshFixture mesh = new MeshFixture(tmp)) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      MeshSettings self = MeshSettings.builder().controlPlane(mesh.cp.xdsTarget()).service("payments")
          .instanceId("payments-xds-1").build();
      ServerServiceDefinition def = ServerServiceDefinition.builder(Echo.SERVICE)
          .addMethod(Echo.WHO, ServerCalls.asyncUnaryCall((req, out) -> {
            out.onNext("payments-xds-1");
            out.onCompleted();
          }))
          .build();
      Server server = MeshServers.forPort(self, port).addService(def).build();
      try {
        server.start(); // returns once the control plane served the listener; fails if it was rejected
        try (MeshRegistration reg = MeshRegistration.register(self, "127.0.0.1", port, Map.of("version", "v1"),
            Duration.ofSeconds(10))) {
          var ch = mesh.channel("payments");
          mesh.awaitServedBy(ch, Map.of(), "payments-xds-1");
          assertEquals(Map.of("payments-xds-1", 200), MeshFixture.distribution(ch, Map.of(), 200));
          String clients = mesh.admin("/clients");
          assertTrue(clients.contains("grpc/server?xds.resource.listening_address=0.0.0.0:" + port), clients);
          assertTrue(!clients.contains("\"lastNack\" : {"), "no NACKs: " + clients);
        }
      } finally {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
