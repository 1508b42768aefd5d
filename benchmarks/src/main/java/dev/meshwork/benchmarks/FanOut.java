package dev.meshwork.benchmarks;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Target 5: control-plane fan-out. {@code n} lightweight raw ADS streams in this JVM, either
 * state-of-the-world ({@code StreamAggregatedResources}) or incremental ({@code
 * DeltaAggregatedResources}), each subscribed to the route configuration {@code reviews} and
 * ACKing every response; then a YAML edit (the VirtualService's weights) and the time from writing
 * the file to each client's ACK of the new version. Memory per client: used heap after GC with the
 * streams connected minus before (client and control-plane side together, both in this JVM).
 */
final class FanOut {
  static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  /** HTTP/2 connections the streams are spread over (each real client would have its own). */
  static final int CHANNELS = 4;

  enum Protocol {
    SOTW("sotw"), DELTA("delta");

    final String key;

    Protocol(String key) {
      this.key = key;
    }
  }

  /**
   * @param p50Ms, p99Ms, maxMs from the file write to the clients' ACKs of the new version (maxMs = T(N))
   * @param appliedMs from the file write to {@code ConfigStatus.appliedAt}, which the control plane
   *     stamps once the new snapshot is published <em>and</em> handed to every waiting watch (the
   *     responses are built and queued on its sync thread before it returns)
   * @param pushMs the control plane's own push convergence ({@code meshwork.cp.push.latency}): from
   *     the snapshot being published until the last client answered; NaN if it recorded none
   * @param cpuUsPerClient process CPU time (all threads: control plane, clients, event loops) from
   *     the file write to the last ACK, per client: unlike the wall-clock figures, hardly moved by
   *     other processes competing for the cores
   */
  record Result(double p50Ms, double p99Ms, double maxMs, double kbPerClient, double appliedMs, double pushMs,
      double cpuUsPerClient) {
    /** From the file write until the snapshot was published: file watch, debounce, parse, translate. */
    double readMs() {
      return maxMs - pushMs;
    }
  }

  private FanOut() {}

  static Result measure(BenchMesh cp, Protocol protocol, int n, int flip) throws Exception {
    awaitDisconnected(cp); // streams of the previous pass still being torn down would skew the heap figure
    List<ManagedChannel> channels = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      channels.add(Grpc.newChannelBuilder(cp.cp.xdsTarget(), InsecureChannelCredentials.create()).build());
    }
    long before = HeapFootprint.usedAfterGc();
    Client[] clients = new Client[n];
    try {
      for (int i = 0; i < n; i++) {
        ManagedChannel ch = channels.get(i % channels.size());
        clients[i] = protocol == Protocol.SOTW ? new SotwClient(i, ch) : new DeltaClient(i, ch);
      }
      awaitAll(clients, c -> c.version != null, "first response");
      double kb = (HeapFootprint.usedAfterGc() - before) / 1024.0 / n;
      String[] old = new String[n];
      for (int i = 0; i < n; i++) {
        old[i] = clients[i].version;
      }
      Timer push = cp.pushLatency();
      long pushes0 = push.count();
      double pushTotal0 = push.totalTime(TimeUnit.NANOSECONDS);
      com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      Instant wall0 = Instant.now();
      cp.apply("reviews.yaml", weights(flip));
      double applied = Duration.between(wall0, cp.cp.configStatus().appliedAt()).toNanos() / 1e6;
      awaitAll(clients, c -> c.version != null && !c.version.equals(old[c.id]), "new version ACKed");
      double cpuUs = (os.getProcessCpuTime() - cpu0) / 1e3 / n;
      double[] ms = new double[n];
      for (int i = 0; i < n; i++) {
        ms[i] = (clients[i].ackedAt - t0) / 1e6;
      }
      // The control plane resolves the push when it has processed the last ACK: just after ours.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (push.count() == pushes0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      double pushMs = push.count() == pushes0 + 1
          ? (push.totalTime(TimeUnit.NANOSECONDS) - pushTotal0) / 1e6 : Double.NaN;
      Arrays.sort(ms);
      return new Result(ms[(int) Math.floor(0.5 * (n - 1))], ms[(int) Math.ceil(0.99 * (n - 1))], ms[n - 1], kb,
          applied, pushMs, cpuUs);
    } finally {
      for (Client c : clients) {
        if (c != null) {
          c.close();
        }
      }
      for (ManagedChannel ch : channels) {
        ch.shutdownNow();
      }
      for (ManagedChannel ch : channels) {
        ch.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** The VirtualService split 90/10 or 80/20. */
  static String weights(int flip) {
    return flip % 2 == 0 ? Configs.reviews("reviews")
        : Configs.reviews("reviews").replace("weight: 90", "weight: 80").replace("weight: 10", "weight: 20");
  }

  private static void awaitDisconnected(BenchMesh cp) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (cp.connectedClients() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /**
   * Waits (bounded) until every client passes {@code done}. Only the wait's end depends on the
   * polling: each client stamps its own ACK time on the thread that sends it.
   */
  private static void awaitAll(Client[] clients, Predicate<Client> done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (Client c : clients) {
      while (!done.test(c)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("fan-out: client " + c.id + " timed out waiting for " + what
              + (c.error != null ? " (stream failed: " + c.error + ")" : ""));
        }
        Thread.sleep(1);
      }
    }
  }

  /** One ADS stream subscribed to RDS "reviews": the version it last ACKed, and when. */
  abstract static class Client {
    final int id;
    final Node node;
    volatile String version;
    volatile long ackedAt;
    volatile Throwable error;

    Client(int id) {
      this.id = id;
      this.node = Node.newBuilder().setId("fanout-" + id).setCluster("fanout").build();
    }

    /** The stream's request side. */
    abstract StreamObserver<?> requests();

    // The response side's callbacks shared by both protocols (onNext is each protocol's own).
    public void onError(Throwable t) {
      error = t;
    }

    public void onCompleted() {}

    void close() {
      try {
        synchronized (this) {
          requests().onCompleted();
        }
      } catch (RuntimeException ignored) {
        // stream already gone
      }
    }
  }

  /** State of the world: every response carries the whole subscription; ACK = version + nonce. */
  static final class SotwClient extends Client implements StreamObserver<DiscoveryResponse> {
    private final StreamObserver<DiscoveryRequest> out;

    @Override
    StreamObserver<?> requests() {
      return out;
    }

    SotwClient(int id, ManagedChannel channel) {
      super(id);
      this.out = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(this);
      synchronized (this) {
        out.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(RDS).addResourceNames("reviews").build());
      }
    }

    @Override
    public void onNext(DiscoveryResponse r) {
      synchronized (this) {
        out.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(RDS).addResourceNames("reviews")
            .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
      }
      ackedAt = System.nanoTime();
      version = r.getVersionInfo();
    }

  }

  /**
   * Incremental: subscribes "reviews" once (node on the first request only, as the spec allows),
   * then ACKs each response with its nonce alone. The version followed is the response's system
   * version (the control plane's RDS version; each resource also carries its own).
   */
  static final class DeltaClient extends Client implements StreamObserver<DeltaDiscoveryResponse> {
    private final StreamObserver<DeltaDiscoveryRequest> out;

    @Override
    StreamObserver<?> requests() {
      return out;
    }

    DeltaClient(int id, ManagedChannel channel) {
      super(id);
      this.out = AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(this);
      synchronized (this) {
        out.onNext(DeltaDiscoveryRequest.newBuilder().setNode(node).setTypeUrl(RDS)
            .addResourceNamesSubscribe("reviews").build());
      }
    }

    @Override
    public void onNext(DeltaDiscoveryResponse r) {
      synchronized (this) {
        out.onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(RDS).setResponseNonce(r.getNonce()).build());
      }
      ackedAt = System.nanoTime();
      version = r.getSystemVersionInfo();
    }

  }
}
