package dev.meshwork.http.it;

import static dev.meshwork.http.it.HttpMesh.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.controlplane.ControlPlane;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.http.MeshHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane goes away: clients keep routing on the last good config, a client started
 * while it is away routes from the persisted snapshot, and a config change made after it returns
 * reaches them.
 */
class StaticStabilityIT {
  static String vs(int v1, int v2) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v1}
              weight: %d
            - destination: {host: reviews, subset: v2}
              weight: %d
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        """.formatted(v1, v2);
  }

  @TempDir Path tmp;

  @Test
  void controlPlaneKilled_clientsKeepRouting_newClientStartsFromDisk_changesArriveWhenItReturns() throws Exception {
    Path persist = Files.createDirectories(tmp.resolve("xds-cache"));
    try (HttpMesh mesh = new HttpMesh(tmp)) {
      mesh.upstream("reviews", "v1-a", Map.of("version", "v1"));
      mesh.upstream("reviews", "v2-a", Map.of("version", "v2"));
      mesh.apply("reviews.yaml", vs(90, 10));
      MeshOptions options = MeshOptions.DEFAULTS.withPersistDirectory(persist);
      OkHttpClient running = mesh.client(options).client();
      assertEquals(10.0, share(HttpMesh.distribution(running, "http://reviews/", Map.of(), 2000), "v2-"), 3.0);
      int port = mesh.cp.xdsPort();
      Path config = mesh.dir;

      // A caller that keeps going through the whole outage and restart: not one request may fail.
      java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicBoolean going = new java.util.concurrent.atomic.AtomicBoolean(true);
      Thread caller = new Thread(() -> {
        while (going.get()) {
          String r = HttpMesh.get(running, "http://reviews/", Map.of());
          sent.incrementAndGet();
          if (!r.startsWith("v")) {
            failures.incrementAndGet();
          }
        }
      }, "steady-caller");
      caller.start();

      mesh.cp.close(); // the control plane dies
      Map<String, Integer> during = HttpMesh.distribution(running, "http://reviews/", Map.of(), 2000);
      assertEquals(2000, during.getOrDefault("v1-a", 0) + during.getOrDefault("v2-a", 0), "no failures " + during);
      assertEquals(10.0, share(during, "v2-"), 3.0, "still the last config " + during);

      // A new client (think: the app restarted) while the control plane is still down.
      var metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
      try (MeshHttp restarted = MeshHttp.create(
          MeshSettings.builder().controlPlane("127.0.0.1:" + port).service("test-client").build(),
          options.withMeterRegistry(metrics))) {
        Map<String, Integer> fromDisk = HttpMesh.distribution(restarted.client(), "http://reviews/", Map.of(), 1000);
        assertEquals(10.0, share(fromDisk, "v2-"), 3.0, "routes from the persisted snapshot " + fromDisk);
        assertTrue(restarted.mesh().staleSince().isPresent(), "says it runs on a stale config");
        assertEquals(1.0, metrics.get("meshwork.xds.config.stale").tag("service", "test-client").gauge().value(),
            "and shows it in its metrics");
        assertTrue(metrics.get("meshwork.xds.config.stale.seconds").gauge().value() >= 0);

        // The control plane returns on its address, with a changed config.
        Files.writeString(config.resolve("reviews.yaml"), vs(0, 100));
        // With a registry warm-up: instances re-register before anything is served, so clients
        // never see the freshly started (empty) registry.
        try (ControlPlane back = ControlPlane.builder().configDirectory(config).xdsPort(port).adminPort(-1)
            .registryWarmup(java.time.Duration.ofSeconds(4)).start()) {
          HttpMesh.await("the new config reaches the running client",
              () -> HttpMesh.get(running, "http://reviews/", Map.of()).equals("v2-a")
                  && share(HttpMesh.distribution(running, "http://reviews/", Map.of(), 50), "v2-") == 100.0, 20_000);
          HttpMesh.await("and the restarted one, which is no longer stale",
              () -> share(HttpMesh.distribution(restarted.client(), "http://reviews/", Map.of(), 50), "v2-") == 100.0
                  && restarted.mesh().staleSince().isEmpty(), 20_000);
          assertEquals(0.0, metrics.get("meshwork.xds.config.stale").gauge().value(), "confirmed: no longer stale");
        } finally {
          going.set(false);
          caller.join();
        }
        assertEquals(0, failures.get(), "requests failed during the outage and restart (of " + sent.get() + ")");
      }
    }
  }

  @Test
  void hostsOutsideTheMesh_doNotWaitForAControlPlaneThatIsGone() throws Exception {
    // While the control plane is away nobody can say whether a new host is a mesh service: calls
    // to it must not each wait the whole lookup timeout (5 s by default) for that answer.
    var ext = new com.github.tomakehurst.wiremock.WireMockServer(
        com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    ext.start();
    ext.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
        .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withBody("ext")));
    try (HttpMesh mesh = new HttpMesh(tmp)) {
      mesh.upstream("reviews", "v1-a", Map.of("version", "v1"));
      mesh.apply("reviews.yaml", vs(100, 0));
      var metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
      OkHttpClient running = mesh.client(MeshOptions.DEFAULTS.withMeterRegistry(metrics)).client();
      HttpMesh.await("reviews routed", () -> HttpMesh.get(running, "http://reviews/", Map.of()).equals("v1-a"), 15_000);
      int port = mesh.cp.xdsPort();

      mesh.cp.close();
      HttpMesh.await("the client sees the control plane gone",
          () -> metrics.get("meshwork.xds.connected").gauge().value() == 0.0, 10_000);
      String external = "http://localhost:" + ext.port() + "/";
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        assertEquals("ext", HttpMesh.get(running, external, Map.of()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // The first may wait out the 1 s a prompt reconnect is given.
        assertTrue(ms < (i == 0 ? 2000 : 500), "call " + i + " to a host outside the mesh took " + ms + " ms");
      }
      assertEquals("v1-a", HttpMesh.get(running, "http://reviews/", Map.of()), "the mesh keeps routing");

      // A client that has never reached a control plane waits for its answer once per host, not on every call.
      try (MeshHttp fresh = MeshHttp.create(
          MeshSettings.builder().controlPlane("127.0.0.1:" + port).service("test-client").build(),
          new MeshOptions(null, java.time.Duration.ofSeconds(1), System::nanoTime,
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
              dev.meshwork.core.identity.IdentityOptions.DEFAULTS, dev.meshwork.core.telemetry.TelemetryOptions.DEFAULTS))) {
        long t0 = System.nanoTime();
        assertEquals("ext", HttpMesh.get(fresh.client(), external, Map.of()));
        long first = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(first >= 1000, "the first call waits its lookup timeout (1 s), took " + first + " ms");
        for (int i = 0; i < 2; i++) {
          t0 = System.nanoTime();
          assertEquals("ext", HttpMesh.get(fresh.client(), external, Map.of()));
          long ms = (System.nanoTime() - t0) / 1_000_000;
          assertTrue(ms < 500, "a later call to the same host took " + ms + " ms");
        }
      }
    } finally {
      ext.stop();
    }
  }
}
