package dev.meshwork.benchmarks;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.telemetry.TelemetryOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.Map;

/**
 * Target 6: heap the library retains for 100 services × 10 endpoints: used heap after full GCs
 * while a {@link Mesh} that has routed one call to each service (immediate attempts, no I/O) is
 * open, minus the same once it is closed (the empty app: same JVM, control plane and config). The
 * control plane runs in the same JVM, so what it keeps for the connected client is counted too.
 */
final class HeapFootprint {
  static final int SERVICES = 100;
  static final int ENDPOINTS = 10;

  private HeapFootprint() {}

  static String yaml() {
    StringBuilder b = new StringBuilder();
    for (int s = 0; s < SERVICES; s++) {
      String host = "svc" + s;
      b.append("""
          apiVersion: networking.istio.io/v1
          kind: ServiceEntry
          metadata:
            name: %1$s
          spec:
            hosts: [%1$s]
            location: MESH_INTERNAL
            resolution: STATIC
            ports:
            - {number: 8080, name: http, protocol: HTTP}
            endpoints:
          """.formatted(host));
      for (int e = 0; e < ENDPOINTS; e++) {
        b.append("  - {address: 10.%d.%d.%d, labels: {version: v%d}}\n".formatted(s / 200, s % 200, e + 1, e % 2 + 1));
      }
      b.append("---\n").append(Configs.reviews(host)).append("---\n");
    }
    return b.toString();
  }

  /**
   * Megabytes retained by a mesh using every service, with metrics and tracing (sampled out) on,
   * its meters in a {@code SimpleMeterRegistry} (Spring Boot's fallback; it publishes each histogram
   * bucket as a gauge of its own) or, with {@code prometheus}, in a {@code PrometheusMeterRegistry}.
   */
  static double measureMb(BenchMesh cp, boolean prometheus) throws Exception {
    MeterRegistry registry = prometheus ? BenchMesh.clientMeters() : new SimpleMeterRegistry();
    Mesh mesh = Mesh.start(cp.settings("heap-client"), MeshOptions.DEFAULTS
        .withMeterRegistry(registry).withTelemetry(TelemetryOptions.DEFAULTS));
    long after;
    try {
      MeshRequest get = new PerRequestBenchmark.FixedRequest("GET", "/", null, Map.of());
      for (int s = 0; s < SERVICES; s++) {
        PerRequestBenchmark.awaitRouted(mesh, "svc" + s + ":8080", get, new PerRequestBenchmark.ImmediateAttempt());
      }
      after = usedAfterGc();
    } finally {
      Reference.reachabilityFence(mesh);
      mesh.close();
      registry.close();
    }
    mesh = null;
    registry = null;
    return (after - usedAfterGc()) / (1024.0 * 1024.0);
  }

  static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
