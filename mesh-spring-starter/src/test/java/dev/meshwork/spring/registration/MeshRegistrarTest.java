package dev.meshwork.spring.registration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshwork.controlplane.ControlPlane;
import dev.meshwork.core.MeshSettings;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshRegistrarTest {
  @Test
  void controlPlaneDownAtStartup_registersOnceItIsUp_closeStopsRetrying(@TempDir Path tmp) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    MeshSettings settings = MeshSettings.builder().controlPlane("127.0.0.1:" + port).service("reviews")
        .instanceId("reviews-late").build();
    try (MeshRegistrar r = MeshRegistrar.start(settings, MeshInstance.of("127.0.0.1", "reviews", "v1", Map.of()), 9080,
        Duration.ofSeconds(10))) {
      assertThat(r.registered()).isFalse();
      try (ControlPlane cp = ControlPlane.builder().configDirectory(Files.createDirectories(tmp.resolve("cfg")))
          .xdsPort(port).adminPort(0).start()) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!r.registered() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(r.registered()).isTrue();
        r.close();
        assertThat(r.registered()).isFalse();
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (retryThreadAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(retryThreadAlive()).isFalse();
  }

  private static boolean retryThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("meshwork-register-retry") && t.isAlive());
  }
}
