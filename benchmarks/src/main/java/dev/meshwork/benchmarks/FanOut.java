package dev.meshwork.benchmarks;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Target 5: control-plane fan-out. {@code n} lightweight raw ADS (SotW) streams in this JVM, each
 * subscribed to the route configuration {@code reviews} and ACKing every response; then a YAML
 * edit (the VirtualService's weights) and the time from writing the file to each client's ACK of
 * the new version. Memory per client: used heap after GC with the streams connected minus before
 * (client and control-plane side together, both in this JVM).
 */
final class FanOut {
  static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

  /** @param appliedMs from the file write to the control plane's accepting it ({@code ConfigStatus.appliedAt}) */
  record Result(double p50Ms, double p99Ms, double maxMs, double kbPerClient, double appliedMs) {}

  private FanOut() {}

  static Result measure(BenchMesh cp, int n, int flip) throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      channels.add(Grpc.newChannelBuilder(cp.cp.xdsTarget(), InsecureChannelCredentials.create()).build());
    }
    long before = HeapFootprint.usedAfterGc();
    Client[] clients = new Client[n];
    try {
      for (int i = 0; i < n; i++) {
        clients[i] = new Client(i, channels.get(i % channels.size()));
      }
      awaitAll(clients, c -> c.version != null, "first response");
      double kb = (HeapFootprint.usedAfterGc() - before) / 1024.0 / n;
      String[] old = new String[n];
      for (int i = 0; i < n; i++) {
        old[i] = clients[i].version;
      }
      long t0 = System.nanoTime();
      java.time.Instant wall0 = java.time.Instant.now();
      cp.apply("reviews.yaml", weights(flip));
      double applied = java.time.Duration.between(wall0, cp.cp.configStatus().appliedAt()).toNanos() / 1e6;
      awaitAll(clients, c -> c.version != null && !c.version.equals(old[c.id]), "new version ACKed");
      double[] ms = new double[n];
      for (int i = 0; i < n; i++) {
        ms[i] = (clients[i].ackedAt - t0) / 1e6;
      }
      Arrays.sort(ms);
      return new Result(ms[(int) Math.floor(0.5 * (n - 1))], ms[(int) Math.ceil(0.99 * (n - 1))], ms[n - 1], kb, applied);
    } finally {
      for (Client c : clients) {
        if (c != null) {
          c.close();
        }
      }
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  /** The VirtualService split 90/10 or 80/20. */
  static String weights(int flip) {
    return flip % 2 == 0 ? Configs.reviews("reviews")
        : Configs.reviews("reviews").replace("weight: 90", "weight: 80").replace("weight: 10", "weight: 20");
  }

  private static void awaitAll(Client[] clients, java.util.function.Predicate<Client> done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (Client c : clients) {
      while (!done.test(c)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("fan-out: client " + c.id + " timed out waiting for " + what);
        }
        Thread.sleep(1);
      }
    }
  }

  /** One ADS stream: subscribes to RDS "reviews", ACKs each response, remembers when. */
  static final class Client implements StreamObserver<DiscoveryResponse> {
    final int id;
    private final Node node;
    private final StreamObserver<DiscoveryRequest> out;
    volatile String version;
    volatile long ackedAt;

    Client(int id, ManagedChannel channel) {
      this.id = id;
      this.node = Node.newBuilder().setId("fanout-" + id).setCluster("fanout").build();
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

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}

    void close() {
      try {
        synchronized (this) {
          out.onCompleted();
        }
      } catch (RuntimeException ignored) {
        // stream already gone
      }
    }
  }
}
