package dev.meshwork.core.inbound;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real state-of-the-world ADS server on 127.0.0.1:0 (delta calls get gRPC's UNIMPLEMENTED, so
 * the client falls back to SotW). The test answers requests itself; waits are bounded.
 */
final class LoopbackAds implements AutoCloseable {
  private final BlockingQueue<DiscoveryRequest> requests = new LinkedBlockingQueue<>();
  private final Server server;
  private volatile StreamObserver<DiscoveryResponse> current;

  LoopbackAds() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
          @Override
          public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> out) {
            current = out;
            return new StreamObserver<>() {
              @Override
              public void onNext(DiscoveryRequest r) {
                requests.add(r);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            };
          }
        })
        .build().start();
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  /** The next request (subscription, ACK or NACK), waiting up to 10 s. */
  DiscoveryRequest next() throws InterruptedException {
    DiscoveryRequest r = requests.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      fail("the client sent no request within 10 s");
    }
    return r;
  }

  void respond(String typeUrl, String version, Message... resources) {
    DiscoveryResponse.Builder b = DiscoveryResponse.newBuilder().setTypeUrl(typeUrl).setVersionInfo(version)
        .setNonce("n" + version);
    for (Message m : resources) {
      b.addResources(Any.pack(m));
    }
    current.onNext(b.build());
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
