package dev.meshwork.examples;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The demo's "reviews" service: one unary method answering with the replica's name. Plain gRPC,
 * no generated code, so the demo stays one small file per idea.
 */
final class DemoService {
  static final MethodDescriptor<String, String> GET_REVIEWS = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("demo.Reviews/Get")
      .setRequestMarshaller(new Utf8())
      .setResponseMarshaller(new Utf8())
      .build();

  private DemoService() {}

  /** Starts a replica on a free loopback port. */
  static Server start(String replicaName) throws IOException {
    ServerServiceDefinition def = ServerServiceDefinition.builder("demo.Reviews")
        .addMethod(GET_REVIEWS, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(replicaName);
          out.onCompleted();
        }))
        .build();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(def).build().start();
  }

  /** One call; the answer names the replica that served it. */
  static String call(Channel channel, String canaryHeader) {
    Channel ch = channel;
    if (canaryHeader != null) {
      Metadata md = new Metadata();
      md.put(Metadata.Key.of("x-canary", Metadata.ASCII_STRING_MARSHALLER), canaryHeader);
      ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
    }
    return ClientCalls.blockingUnaryCall(ch, GET_REVIEWS, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "");
  }

  private static final class Utf8 implements MethodDescriptor.Marshaller<String> {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
