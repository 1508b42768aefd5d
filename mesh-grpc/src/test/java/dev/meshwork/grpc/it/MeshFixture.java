package dev.meshwork.grpc.it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.meshwork.controlplane.ControlPlane;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.grpc.MeshChannels;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One mesh on loopback for a test: a real control plane on ephemeral ports watching a temp config
 * directory, real gRPC backends registered through the registry, real xds:/// channels.
 */
final class MeshFixture implements AutoCloseable {
  final Path configDir;
  final ControlPlane cp;
  private final List<Backend> backends = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  MeshFixture(Path tempDir) throws IOException {
    this.configDir = Files.createDirectories(tempDir.resolve("mesh-config"));
    this.cp = ControlPlane.builder().configDirectory(configDir).xdsPort(0).adminPort(0).start();
  }

  /** Writes a config file atomically (write + rename), as deploy tools and editors do. */
  void writeConfig(String file, String yaml) {
    try {
      Path tmp = Files.createTempFile(configDir.getParent(), "cfg", ".tmp");
      Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
      Files.move(tmp, configDir.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a config file and waits until the control plane applied it (or fails the test). */
  void applyConfig(String file, String yaml) {
    var before = cp.configStatus();
    writeConfig(file, yaml);
    await("config applied or rejected", () -> cp.configStatus().version() > before.version()
        || (cp.configStatus().rejectedAt() != null && !cp.configStatus().rejectedAt().equals(before.rejectedAt())), 5_000);
    if (cp.configStatus().version() == before.version()) {
      fail("config rejected: " + cp.configStatus().errors());
    }
  }

  Backend backend(String service, String name, String version) throws IOException {
    return backend(service, name, Map.of("version", version), "");
  }

  Backend backend(String service, String name, Map<String, String> labels, String locality) throws IOException {
    Backend b = new Backend(name).register(cp.xdsTarget(), service, labels, locality);
    backends.add(b);
    return b;
  }

  MeshSettings clientSettings(String service) {
    return MeshSettings.builder().controlPlane(cp.xdsTarget()).service(service).build();
  }

  ManagedChannel channel(String target) {
    ManagedChannel ch = MeshChannels.forService(clientSettings("test-client"), target);
    channels.add(ch);
    return ch;
  }

  /** Calls until every named backend has answered at least once (routing has converged). */
  void awaitServedBy(ManagedChannel ch, Map<String, String> headers, String... names) {
    java.util.Set<String> missing = new java.util.HashSet<>(List.of(names));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    StatusRuntimeException last = null;
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      try {
        missing.remove(Echo.who(ch, headers));
      } catch (StatusRuntimeException e) {
        last = e;
      }
    }
    if (!missing.isEmpty()) {
      fail("never reached " + missing + (last == null ? "" : "; last error: " + last.getStatus()));
    }
  }

  /** Counts which backend answered each of n calls; failures are counted under "ERROR:<code>". */
  static Map<String, Integer> distribution(ManagedChannel ch, Map<String, String> headers, int n) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String key;
      try {
        key = Echo.who(ch, headers);
      } catch (StatusRuntimeException e) {
        key = "ERROR:" + e.getStatus().getCode();
      }
      counts.merge(key, 1, Integer::sum);
    }
    return counts;
  }

  String admin(String path) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.adminPort() + path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls a condition that an external process (file watcher, xDS push) makes true; bounded. */
  static void await(String what, BooleanSupplier cond, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeoutMillis + " ms waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    for (ManagedChannel ch : channels) {
      ch.shutdownNow();
    }
    for (Backend b : backends) {
      b.close();
    }
    cp.close();
  }

  /**
   * Percentage of calls whose key is (or, for HTTP, starts with) one of {@code keys}. Callers size
   * their samples so that the asserted tolerance is at least 4.5 binomial standard deviations,
   * sqrt(p(1-p)/n): a 3-point tolerance needs about 2,000 calls at 10%, 3,600 at 20%, 4,300 at
   * 25% and 5,700 at 50%, and twice that where two measured shares are compared.
   */
  static double share(Map<String, Integer> counts, String... keys) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    int hit = 0;
    for (String k : keys) {
      hit += counts.getOrDefault(k, 0);
    }
    return 100.0 * hit / total;
  }
}
