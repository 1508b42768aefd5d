package dev.meshwork.grpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.XdsBootstrap;
import io.grpc.CallOptions;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AuthorizationPolicy and PeerAuthentication reach a real grpc-xds server (XdsServerBuilder)
 * through the real control plane, without certificates: RBAC answers PERMISSION_DENIED, policy
 * changes apply to a running server, and a STRICT listener is accepted when the server's bootstrap
 * names the {@code default} certificate provider.
 */
class AuthorizationIT {
  private static final MethodDescriptor<String, String> ADMIN = Echo.WHO.toBuilder()
      .setFullMethodName(MethodDescriptor.generateFullMethodName(Echo.SERVICE, "Admin")).build();

  @TempDir Path tmp;

  /** Meshwork's listener name: the workload's namespace, service account and labels after the address. */
  private static Map<String, Object> bootstrap(MeshSettings s, boolean certificateProvider) {
    Map<String, Object> b = new LinkedHashMap<>(XdsBootstrap.of(s));
    b.put("server_listener_resource_name_template", XdsBootstrap.SERVER_LISTENER_TEMPLATE
        + "&ns=shop&sa=pay&labels=" + URLEncoder.encode("app=pay,version=v1", StandardCharsets.UTF_8));
    if (certificateProvider) {
      b.put("certificate_providers", Map.of("default", Map.of("plugin_name", "file_watcher", "config", Map.of(
          "certificate_file", "/nonexistent/cert.pem", "private_key_file", "/nonexistent/key.pem",
          "ca_certificate_file", "/nonexistent/root.pem", "refresh_interval", "600s"))));
    }
    return b;
  }

  private static Server server(MeshFixture mesh, int port, boolean certificateProvider, ServerCredentials creds) {
    MeshSettings self = MeshSettings.builder().controlPlane(mesh.cp.xdsTarget()).service("pay")
        .instanceId("pay-" + port).build();
    ServerServiceDefinition def = ServerServiceDefinition.builder(Echo.SERVICE)
        .addMethod(Echo.WHO, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext("who");
          out.onCompleted();
        }))
        .addMethod(ADMIN, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext("admin");
          out.onCompleted();
        }))
        .build();
    return XdsServerBuilder.forPort(port, creds).overrideBootstrapForTest(bootstrap(self, certificateProvider))
        .addService(def).build();
  }

  private static Status.Code call(ManagedChannel ch, MethodDescriptor<String, String> m) {
    try {
      ClientCalls.blockingUnaryCall(ch, m, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "hi");
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String policy(String action, String path) {
    return """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: pay-rbac, namespace: shop}
        spec:
          selector: {matchLabels: {app: pay}}
          action: %s
          rules:
          - to: [{operation: {paths: ["%s"]}}]
        """.formatted(action, path);
  }

  @Test
  void denyPolicy_deniesOneMethod_andAPolicyChangeReachesTheRunningServer() throws Exception {
    try (MeshFixture mesh = new MeshFixture(tmp)) {
      mesh.applyConfig("authz.yaml", policy("DENY", "/meshwork.test.Echo/Admin"));
      int port = freePort();
      Server server = server(mesh, port, false, InsecureServerCredentials.create());
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        server.start();
        assertEquals(Status.Code.PERMISSION_DENIED, call(ch, ADMIN));
        assertEquals(Status.Code.OK, call(ch, Echo.WHO));

        // Now ALLOW only Admin: Who becomes denied, Admin allowed, on the same running server.
        mesh.applyConfig("authz.yaml", policy("ALLOW", "/meshwork.test.Echo/Admin"));
        MeshFixture.await("new policy applied", () -> call(ch, Echo.WHO) == Status.Code.PERMISSION_DENIED, 10_000);
        assertEquals(Status.Code.OK, call(ch, ADMIN));
        String clients = mesh.admin("/clients");
        assertTrue(clients.contains("&ns=shop&sa=pay&labels=app%3Dpay%2Cversion%3Dv1"), clients);
        assertFalse(clients.contains("\"lastNack\" : {"), "no NACKs: " + clients);
      } finally {
        ch.shutdownNow();
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void strictListener_isAcceptedByGrpcXds_whenTheBootstrapHasTheDefaultCertificateProvider() throws Exception {
    try (MeshFixture mesh = new MeshFixture(tmp)) {
      mesh.applyConfig("pa.yaml", """
          apiVersion: security.istio.io/v1
          kind: PeerAuthentication
          metadata: {name: default, namespace: istio-system}
          spec: {mtls: {mode: STRICT}}
          """);
      int port = freePort();
      Server server = server(mesh, port, true, XdsServerCredentials.create(InsecureServerCredentials.create()));
      try {
        server.start(); // returns once the listener was accepted
        String clients = mesh.admin("/clients");
        assertTrue(clients.contains("listening_address=0.0.0.0:" + port), clients);
        assertFalse(clients.contains("\"lastNack\" : {"), "no NACKs: " + clients);
      } finally {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void strictListener_isNackedByGrpcXds_withoutACertificateProvider() throws Exception {
    try (MeshFixture mesh = new MeshFixture(tmp)) {
      mesh.applyConfig("pa.yaml", """
          apiVersion: security.istio.io/v1
          kind: PeerAuthentication
          metadata: {name: default, namespace: istio-system}
          spec: {mtls: {mode: STRICT}}
          """);
      int port = freePort();
      Server server = server(mesh, port, false, XdsServerCredentials.create(InsecureServerCredentials.create()));
      Thread starter = new Thread(() -> {
        try {
          server.start();
        } catch (Exception ignored) {
          // expected to block or fail: the listener is rejected
        }
      });
      starter.setDaemon(true);
      starter.start();
      try {
        MeshFixture.await("NACK reported", () -> mesh.admin("/clients").contains("not defined in the bootstrap file"), 10_000);
      } finally {
        server.shutdownNow();
      }
    }
  }
}
