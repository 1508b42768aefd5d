package dev.meshwork.http.it;

import static dev.meshwork.http.it.HttpMesh.share;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.grpc.MeshChannels;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One service with an HTTP port and a gRPC port (a ServiceEntry, as in Istio), one VirtualService
 * splitting it 80/20 over subsets: the OkHttp client (port 8080) and the gRPC client (port 9090)
 * observe the same shares.
 */
class SameYamlBothTransportsIT {
  static final MethodDescriptor<String, String> WHO = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("test.Who/Who")
      .setRequestMarshaller(new SecureMesh.Utf8())
      .setResponseMarshaller(new SecureMesh.Utf8())
      .build();

  @TempDir Path tmp;

  @Test
  void grpcAndHttpClients_agreeOnSubsetSharesWithinThreePoints() throws Exception {
    try (HttpMesh mesh = new HttpMesh(tmp)) {
      Map<String, Integer> httpPorts = new HashMap<>();
      Map<String, Integer> grpcPorts = new HashMap<>();
      List<Server> servers = new java.util.ArrayList<>();
      try {
        for (String v : List.of("v1", "v2")) {
          WireMockServer http = mesh.upstream("reviews-http-" + v, "http-" + v, Map.of()); // registered elsewhere
          httpPorts.put(v, http.port());
          String name = "grpc-" + v;
          Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(ServerServiceDefinition.builder("test.Who").addMethod(WHO, ServerCalls.asyncUnaryCall((req, out) -> {
                out.onNext(name);
                out.onCompleted();
              })).build()).build().start();
          servers.add(grpc);
          grpcPorts.put(v, grpc.getPort());
        }
        mesh.apply("reviews.yaml", """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: reviews
            spec:
              hosts: [reviews]
              location: MESH_INTERNAL
              resolution: STATIC
              ports:
              - {number: 8080, name: http, protocol: HTTP}
              - {number: 9090, name: grpc, protocol: GRPC}
              endpoints:
              - address: 127.0.0.1
                ports: {http: %d, grpc: %d}
                labels: {version: v1}
              - address: 127.0.0.1
                ports: {http: %d, grpc: %d}
                labels: {version: v2}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
            spec:
              host: reviews
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews, subset: v1}
                  weight: 80
                - destination: {host: reviews, subset: v2}
                  weight: 20
            """.formatted(httpPorts.get("v1"), grpcPorts.get("v1"), httpPorts.get("v2"), grpcPorts.get("v2")));

        Map<String, Integer> http = HttpMesh.distribution(mesh.client().client(), "http://reviews:8080/", Map.of(), 7200);
        MeshSettings client = MeshSettings.builder().controlPlane(mesh.cp.xdsTarget()).service("test-client").build();
        ManagedChannel ch = MeshChannels.forService(client, "reviews:9090");
        Map<String, Integer> grpc = new HashMap<>();
        try {
          for (int i = 0; i < 7200; i++) {
            String who = ClientCalls.blockingUnaryCall(ch, WHO, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)
                .withWaitForReady(), "hi");
            grpc.merge(who, 1, Integer::sum);
          }
        } finally {
          ch.shutdownNow();
        }
        double httpV2 = share(http, "http-v2");
        double grpcV2 = share(grpc, "grpc-v2");
        assertEquals(20.0, httpV2, 3.0, "HTTP " + http);
        assertEquals(20.0, grpcV2, 3.0, "gRPC " + grpc);
        assertEquals(httpV2, grpcV2, 3.0, "the two transports agree: HTTP " + http + " gRPC " + grpc);
      } finally {
        servers.forEach(Server::shutdownNow);
      }
    }
  }
}
