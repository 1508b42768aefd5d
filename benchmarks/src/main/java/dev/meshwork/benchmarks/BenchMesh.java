package dev.meshwork.benchmarks;

import dev.meshwork.controlplane.ControlPlane;
import dev.meshwork.core.MeshRegistration;
import dev.meshwork.core.MeshSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real control plane on loopback (temp config directory, ephemeral ports) for the benchmarks:
 * config is applied by writing YAML files, instances register through {@link MeshRegistration}.
 * Not thread-safe; close it to stop the control plane and deregister.
 */
final class BenchMesh implements AutoCloseable {
  final Path dir;
  final ControlPlane cp;
  /** The control plane's meters (open xDS streams, push convergence), for the fan-out benchmark. */
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<AutoCloseable> closing = new ArrayList<>();

  BenchMesh() throws IOException {
    this(List.of());
  }

  /**
   * A meter registry for a benchmarked client mesh: Prometheus's, the registry services scrape
   * (one cumulative histogram buffer per timer; see BENCHMARKS.md, "Meter registry").
   */
  static MeterRegistry clientMeters() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * A control plane whose CA (root in memory) issues certificates to the given service accounts of
   * namespace {@code default}, each with the join token {@code <sa>-token} (see {@link #token}).
   */
  BenchMesh(List<String> serviceAccounts) throws IOException {
    dir = Files.createTempDirectory("meshwork-bench");
    Files.createDirectories(dir.resolve("config"));
    ControlPlane.Builder b = ControlPlane.builder().configDirectory(dir.resolve("config")).xdsPort(0).adminPort(0)
        .registryWarmup(Duration.ZERO).meterRegistry(meters);
    for (String sa : serviceAccounts) {
      b.joinToken(token(sa), "default", sa);
    }
    cp = b.start();
  }

  /** The join token of a service account given to the constructor. */
  static String token(String serviceAccount) {
    return serviceAccount + "-token";
  }

  /** Settings of a workload with a mesh identity (its join token), service account = service. */
  MeshSettings identitySettings(String service) {
    return MeshSettings.builder().controlPlane(cp.xdsTarget()).service(service).identityToken(token(service)).build();
  }

  MeshSettings settings(String service) {
    return MeshSettings.builder().controlPlane(cp.xdsTarget()).service(service).build();
  }

  /** Registers an instance of {@code service} at 127.0.0.1:{@code port}. */
  void register(String service, String instance, int port, Map<String, String> labels) {
    MeshSettings s = MeshSettings.builder().controlPlane(cp.xdsTarget()).service(service).instanceId(instance).build();
    closing.add(MeshRegistration.register(s, "127.0.0.1", port, labels, Duration.ofSeconds(30)));
  }

  /** Open xDS streams as the control plane counts them ({@code meshwork.cp.xds.clients}). */
  int connectedClients() {
    Gauge g = meters.find("meshwork.cp.xds.clients").gauge();
    return g == null ? 0 : (int) g.value();
  }

  /**
   * The control plane's push-convergence timer ({@code meshwork.cp.push.latency}: from a snapshot
   * being published until every client sent a changed type has answered).
   */
  Timer pushLatency() {
    return meters.find("meshwork.cp.push.latency").timer();
  }

  /** Writes a config file and waits (bounded) until the control plane has accepted it. */
  void apply(String file, String yaml) throws IOException, InterruptedException {
    long before = cp.configStatus().version();
    Path staged = Files.writeString(Files.createTempFile(dir, "cfg", ".tmp"), yaml);
    Files.move(staged, dir.resolve("config").resolve(file), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (cp.configStatus().version() == before) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("config not applied: " + cp.configStatus().errors());
      }
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    cp.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp dir
    }
  }
}
