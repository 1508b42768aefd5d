package dev.meshwork.examples;

import dev.meshwork.controlplane.ConfigStatus;
import dev.meshwork.controlplane.ControlPlane;
import dev.meshwork.core.MeshRegistration;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.grpc.MeshChannels;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * A canary rollout on a whole mesh in one process: an embedded control plane reading Istio YAML
 * from a directory, three replicas of a gRPC "reviews" service registering themselves (v1, v1,
 * v2), and a client whose {@code xds:///reviews} channel is steered by the YAML. The demo edits
 * the YAML while traffic flows and prints what the client observes. {@code --serve} keeps it
 * running afterwards so the admin API can be explored.
 */
public final class CanaryDemo {
  private CanaryDemo() {}

  public static void main(String[] args) throws Exception {
    boolean serve = List.of(args).contains("--serve");
    Path dir = Files.createTempDirectory("meshwork-demo");
    Path yaml = dir.resolve("reviews.yaml");
    String original = resource("demo/reviews.yaml");
    Files.writeString(yaml, original);

    List<AutoCloseable> toClose = new ArrayList<>();
    ControlPlane cp = ControlPlane.builder().configDirectory(dir).xdsPort(0).adminPort(0).start();
    toClose.add(cp); // closed last: clients and servers go first
    try {
      System.out.printf("%nControl plane up: xDS + registry on %s, admin API on http://127.0.0.1:%d (try /services, /routes, /clients)%n",
          cp.xdsTarget(), cp.adminPort());
      System.out.println("Config directory: " + dir);

      for (String[] r : new String[][] {{"reviews-v1-a", "v1"}, {"reviews-v1-b", "v1"}, {"reviews-v2", "v2"}}) {
        Server server = DemoService.start(r[0]);
        MeshSettings s = MeshSettings.builder().controlPlane(cp.xdsTarget()).service("reviews").instanceId(r[0]).build();
        MeshRegistration reg = MeshRegistration.register(s, "127.0.0.1", server.getPort(), Map.of("version", r[1]),
            Duration.ofSeconds(10));
        toClose.add(reg);
        toClose.add(server::shutdownNow);
        System.out.printf("Started %s (version %s) on 127.0.0.1:%d and registered it%n", r[0], r[1], server.getPort());
      }

      MeshSettings client = MeshSettings.builder().controlPlane(cp.xdsTarget()).service("productpage").build();
      ManagedChannel reviews = MeshChannels.forService(client, "reviews");
      toClose.add(reviews::shutdownNow);
      warmUp(reviews);

      step("1. The YAML says: 90% of calls to v1, 10% to v2");
      report(reviews, null, 2000);

      step("2. Calls with the header x-canary: true all go to v2");
      report(reviews, "true", 200);

      step("3. Edit the YAML to 50/50 while traffic flows (no restart)");
      long t0 = System.nanoTime();
      ConfigStatus applied = write(cp, yaml, original.replace("weight: 90", "weight: 50").replace("weight: 10", "weight: 50"));
      System.out.printf("   control plane applied config version %d in %d ms%n", applied.version(),
          (System.nanoTime() - t0) / 1_000_000);
      report(reviews, null, 2000);

      step("4. A broken edit (a typo'd field) is rejected; the last good config keeps serving");
      ConfigStatus rejected = write(cp, yaml, original.replace("    retries:", "    retrys:"));
      rejected.errors().forEach(e -> System.out.println("   rejected: " + e));
      report(reviews, null, 2000);

      if (serve) {
        System.out.printf("%nServing. Edit %s and watch http://127.0.0.1:%d/config ; Ctrl-C to stop.%n", yaml, cp.adminPort());
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown, "meshwork-demo-shutdown"));
        forever.await();
      }
    } finally {
      for (int i = toClose.size() - 1; i >= 0; i--) {
        toClose.get(i).close();
      }
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
    System.out.println("\nDone.");
  }

  /** Writes the file as editors do (write + rename) and waits for the control plane's verdict. */
  private static ConfigStatus write(ControlPlane cp, Path yaml, String text) throws IOException, InterruptedException {
    ConfigStatus before = cp.configStatus();
    Path tmp = Files.createTempFile(yaml.getParent().getParent(), "edit", ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, yaml, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      ConfigStatus now = cp.configStatus();
      if (now.version() != before.version() || (now.rejectedAt() != null && !now.rejectedAt().equals(before.rejectedAt()))) {
        return now;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("the control plane did not pick up the edit within 5 s");
  }

  private static void warmUp(ManagedChannel ch) {
    long deadline = System.nanoTime() + 15_000_000_000L;
    java.util.Set<String> seen = new java.util.HashSet<>();
    while (seen.size() < 3 && System.nanoTime() < deadline) {
      try {
        seen.add(DemoService.call(ch, null));
      } catch (StatusRuntimeException e) {
        // routes still arriving
      }
    }
  }

  private static void report(ManagedChannel ch, String canary, int calls) {
    Map<String, Integer> byReplica = new TreeMap<>();
    for (int i = 0; i < calls; i++) {
      String who;
      try {
        who = DemoService.call(ch, canary);
      } catch (StatusRuntimeException e) {
        who = "failed (" + e.getStatus().getCode() + ")";
      }
      byReplica.merge(who, 1, Integer::sum);
    }
    int v1 = byReplica.getOrDefault("reviews-v1-a", 0) + byReplica.getOrDefault("reviews-v1-b", 0);
    int v2 = byReplica.getOrDefault("reviews-v2", 0);
    System.out.printf("   %d calls: v1 %.1f%%, v2 %.1f%%   %s%n", calls, 100.0 * v1 / calls, 100.0 * v2 / calls, byReplica);
  }

  private static void step(String title) {
    System.out.println("\n== " + title);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = CanaryDemo.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
