package dev.meshwork.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The loopback servers both clients call: 1 KiB per response. */
final class Servers implements AutoCloseable {
  static final byte[] KIB = new byte[1024];
  static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("bench.Bench/Get")
      .setRequestMarshaller(new Bytes())
      .setResponseMarshaller(new Bytes())
      .build();

  final HttpServer http;
  final Server grpc;
  private final ExecutorService httpPool = Executors.newFixedThreadPool(16);

  Servers() throws IOException {
    // sun.net.httpserver.nodelay=true is set by Main before the server classes load.
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    http.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
        in.readAllBytes();
        exchange.sendResponseHeaders(200, KIB.length);
        out.write(KIB);
      }
    });
    http.setExecutor(httpPool);
    http.start();
    grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerServiceDefinition.builder("bench.Bench")
            .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, out) -> {
              out.onNext(KIB);
              out.onCompleted();
            })).build())
        .build().start();
  }

  int httpPort() {
    return http.getAddress().getPort();
  }

  int grpcPort() {
    return grpc.getPort();
  }

  @Override
  public void close() {
    grpc.shutdownNow();
    http.stop(0);
    httpPool.shutdownNow();
  }

  /** byte[] as is. */
  static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
