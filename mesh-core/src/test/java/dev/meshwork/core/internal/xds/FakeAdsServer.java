package dev.meshwork.core.internal.xds;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted ADS server on loopback. grpc-inprocess is not on mesh-core's test classpath (and the
 * pom stays as it is), so this uses the shaded Netty transport on 127.0.0.1:0; waits are bounded
 * polls on what the server received. Responses are sent only from the test thread.
 *
 * <p>{@code new FakeAdsServer()} offers only state of the world (delta calls get gRPC's default
 * {@code UNIMPLEMENTED}); {@link #withDelta()} offers only delta (SotW calls get {@code UNIMPLEMENTED}).
 */
final class FakeAdsServer implements AutoCloseable {
  /** One request and the 1-based number of the stream it arrived on. */
  record Received(int stream, DiscoveryRequest request) {}

  /** One delta request and the 1-based number of the delta stream it arrived on. */
  record DeltaReceived(int stream, DeltaDiscoveryRequest request) {}

  private final BlockingQueue<Received> requests = new LinkedBlockingQueue<>();
  private final AtomicInteger streams = new AtomicInteger();
  private final Server server;
  private volatile StreamObserver<DiscoveryResponse> current;
  private final BlockingQueue<DeltaReceived> deltaRequests = new LinkedBlockingQueue<>();
  private final AtomicInteger deltaStreams = new AtomicInteger();
  private volatile StreamObserver<DeltaDiscoveryResponse> currentDelta;

  FakeAdsServer() throws IOException {
    this(false);
  }

  private FakeAdsServer(boolean delta) throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(delta ? new DeltaImpl() : new Impl())
        .build()
        .start();
  }

  /** A server offering only incremental ADS. */
  static FakeAdsServer withDelta() throws IOException {
    return new FakeAdsServer(true);
  }

  /** The next delta request from the client, waiting up to 10 s. */
  DeltaReceived nextDelta() throws InterruptedException {
    DeltaReceived r = deltaRequests.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      fail("the client sent no delta request within 10 s");
    }
    return r;
  }

  DeltaDiscoveryRequest nextDeltaRequest() throws InterruptedException {
    return nextDelta().request();
  }

  boolean noPendingDeltaRequests() {
    return deltaRequests.isEmpty();
  }

  /** A delta response: {@code resources} are {@link #resource}s, {@code removed} are names. */
  void respondDelta(String typeUrl, String nonce, java.util.List<Resource> resources, String... removed) {
    currentDelta.onNext(DeltaDiscoveryResponse.newBuilder()
        .setTypeUrl(typeUrl).setSystemVersionInfo("sys-" + nonce).setNonce(nonce)
        .addAllResources(resources).addAllRemovedResources(java.util.List.of(removed))
        .build());
  }

  static Resource resource(String name, String version, Message resource) {
    return Resource.newBuilder().setName(name).setVersion(version).setResource(Any.pack(resource)).build();
  }

  void completeDeltaStream() {
    currentDelta.onCompleted();
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  /** The next request from the client, waiting up to 10 s. */
  Received next() throws InterruptedException {
    Received r = requests.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      fail("the client sent no request within 10 s");
    }
    return r;
  }

  DiscoveryRequest nextRequest() throws InterruptedException {
    return next().request();
  }

  boolean noPendingRequests() {
    return requests.isEmpty();
  }

  void respond(String typeUrl, String version, String nonce, Message... resources) {
    DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder()
        .setTypeUrl(typeUrl).setVersionInfo(version).setNonce(nonce);
    for (Message m : resources) {
      response.addResources(Any.pack(m));
    }
    current.onNext(response.build());
  }

  void respondRaw(DiscoveryResponse response) {
    current.onNext(response);
  }

  /** Ends the current stream normally (as a server rotating connections does). */
  void completeStream() {
    current.onCompleted();
  }

  void failStream(Status status) {
    current.onError(status.asRuntimeException());
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private final class DeltaImpl extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
    @Override
    public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
        StreamObserver<DeltaDiscoveryResponse> responses) {
      int stream = deltaStreams.incrementAndGet();
      currentDelta = responses;
      return new StreamObserver<>() {
        @Override
        public void onNext(DeltaDiscoveryRequest request) {
          deltaRequests.add(new DeltaReceived(stream, request));
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
  }

  private final class Impl extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
    @Override
    public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responses) {
      int stream = streams.incrementAndGet();
      current = responses;
      return new StreamObserver<>() {
        @Override
        public void onNext(DiscoveryRequest request) {
          requests.add(new Received(stream, request));
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
  }
}
