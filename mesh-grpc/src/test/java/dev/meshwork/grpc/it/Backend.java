package dev.meshwork.grpc.it;

import dev.meshwork.core.MeshRegistration;
import dev.meshwork.core.MeshSettings;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real gRPC server on loopback answering {@link Echo#WHO} with its own name, registered in the
 * control plane's registry like any mesh workload. Its failure behaviour can be switched live.
 */
final class Backend implements AutoCloseable {
  /** How a backend answers. */
  enum Mode { OK, FAIL_HALF, FAIL_ALL }

  final String name;
  final AtomicLong calls = new AtomicLong();
  private volatile Mode mode = Mode.OK;
  private final Server server;
  private MeshRegistration registration;

  Backend(String name) throws IOException {
    this.name = name;
    ServerServiceDefinition def = ServerServiceDefinition.builder(Echo.SERVICE)
        .addMethod(Echo.WHO, ServerCalls.asyncUnaryCall((req, out) -> {
          long n = calls.incrementAndGet();
          Mode m = mode;
          if (m == Mode.FAIL_ALL || (m == Mode.FAIL_HALF && n % 2 == 0)) {
            out.onError(Status.UNAVAILABLE.withDescription(name + " failing on purpose").asRuntimeException());
            return;
          }
          out.onNext(name);
          out.onCompleted();
        }))
        .build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(def).build().start();
  }

  Backend mode(Mode m) {
    this.mode = m;
    return this;
  }

  int port() {
    return server.getPort();
  }

  /** Registers with the control plane through the real registration client. */
  Backend register(String controlPlane, String service, Map<String, String> labels, String locality) {
    MeshSettings s = MeshSettings.builder().controlPlane(controlPlane).service(service).instanceId(name)
        .locality(locality).build();
    registration = MeshRegistration.register(s, "127.0.0.1", port(), labels, Duration.ofSeconds(10));
    return this;
  }

  @Override
  public void close() {
    if (registration != null) {
      registration.close();
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
