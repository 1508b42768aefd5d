package dev.meshwork.http.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsServer;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.identity.MeshIdentity;
import dev.meshwork.grpc.MeshChannels;
import dev.meshwork.http.MeshHttp;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "workload identity" tests 1 and 2: STRICT mTLS and AuthorizationPolicy, with the real
 * control plane and its CA, certificates obtained in process, real TLS on loopback, a grpc-xds
 * server and an HTTPS server built from mesh-core's inbound pieces.
 */
class MtlsIT {
  static final String STRICT = """
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata: {name: default, namespace: istio-system}
      spec:
        mtls: {mode: STRICT}
      """;

  @TempDir Path tmp;

  @Test
  void strict_refusesPlaintextAndOtherCaClients_onGrpcAndHttpServers_whileMeshClientsPass() throws Exception {
    try (SecureMesh mesh = new SecureMesh(tmp.resolve("mesh"), java.time.Duration.ofHours(1));
         SecureMesh other = new SecureMesh(tmp.resolve("other-ca"), java.time.Duration.ofHours(1))) {
      mesh.apply("peer-authentication.yaml", STRICT);
      Server ratings = mesh.grpcServer(mesh.workload("ratings"), "ratings");
      HttpsServer reviews = mesh.httpServer(mesh.workload("reviews"), "reviews");
      Mesh productpage = mesh.workload("productpage");
      String ppSerial = SecureMesh.serialOf(productpage.identity().orElseThrow());

      // The mesh client: mTLS both ways, the servers see productpage's certificate.
      ManagedChannel channel = MeshChannels.forService(mesh.settings("productpage"), "ratings");
      try (MeshHttp http = MeshHttp.using(productpage)) {
        HttpMesh.await("productpage -> ratings over mTLS", () -> whoOrNull(channel) != null, 15_000);
        assertTrue(who(channel).startsWith("ratings|"), "served by ratings with mTLS");
        assertTrue(!who(channel).endsWith("|plaintext"), "the server saw a client certificate");
        try (Response r = http.client().newCall(new Request.Builder().url("http://reviews/reviews/1").build()).execute()) {
          assertEquals(200, r.code());
          assertEquals("reviews|" + ppSerial, r.body().string(), "the HTTP server saw productpage's certificate");
          assertTrue(r.handshake() != null, "the HTTP call went over TLS");
        }
      } finally {
        channel.shutdownNow();
      }

      // A plaintext client is refused by both.
      ManagedChannel plain = Grpc.newChannelBuilderForAddress("127.0.0.1", ratings.getPort(),
          InsecureChannelCredentials.create()).build();
      try {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> who(plain));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
      } finally {
        plain.shutdownNow();
      }
      OkHttpClient plainHttp = new OkHttpClient();
      assertThrows(IOException.class, () -> plainHttp.newCall(new Request.Builder()
          .url("http://127.0.0.1:" + reviews.getAddress().getPort() + "/reviews/1").build()).execute().close());

      // A client with a certificate from another CA (another control plane's) is refused by both,
      // while the same code with productpage's own certificate gets through.
      MeshIdentity impostor = other.workload("productpage").identity().orElseThrow();
      MeshIdentity genuine = productpage.identity().orElseThrow();
      assertRefusedByGrpc(ratings.getPort(), impostor);
      assertRefusedByHttp(reviews.getAddress().getPort(), impostor);
      assertTrue(rawGrpc(ratings.getPort(), genuine).startsWith("ratings|"));
      assertEquals(200, rawHttp(reviews.getAddress().getPort(), genuine));
    }
  }

  @Test
  void meshClient_refusesAServerPresentingAnotherWorkloadsIdentity_onEveryRequest() throws Exception {
    try (SecureMesh mesh = new SecureMesh(tmp, java.time.Duration.ofHours(1))) {
      // details' server, listed as an endpoint of a service whose workloads run as reviews.
      HttpsServer details = mesh.httpServer(mesh.workload("details"), "details");
      int port = details.getAddress().getPort();
      // shop lists the details server as reviews; catalog lists the same server rightly as
      // details: its verified connections must not serve shop.
      mesh.apply("impostor.yaml", mtlsEntry("shop", port, "reviews") + "---\n" + mtlsEntry("catalog", port, "details"));
      try (MeshHttp http = MeshHttp.using(mesh.workload("productpage"))) {
        HttpMesh.await("shop routed over mTLS", () -> {
          try {
            http.client().newCall(new Request.Builder().url("http://shop:8080/").build()).execute().close();
            return false;
          } catch (javax.net.ssl.SSLHandshakeException e) {
            return true;
          } catch (IOException e) {
            return false;
          }
        }, 15_000);
        HttpMesh.await("catalog routed over mTLS", () -> {
          try (Response r = http.client().newCall(new Request.Builder().url("http://catalog:8080/").build()).execute()) {
            return r.code() == 200;
          } catch (IOException e) {
            return false;
          }
        }, 15_000);
        // Every request is refused, not only the first: the check is in the handshake, a refused
        // handshake leaves no connection, and catalog's pooled connection to the same server (verified
        // for details, not reviews) is not one shop may use.
        for (int i = 0; i < 3; i++) {
          javax.net.ssl.SSLHandshakeException e = assertThrows(javax.net.ssl.SSLHandshakeException.class,
              () -> http.client().newCall(new Request.Builder().url("http://shop:8080/reviews/1").build()).execute()
                  .close());
          assertTrue(e.getMessage().contains("spiffe://cluster.local/ns/default/sa/details")
              && e.getMessage().contains("expected one of [spiffe://cluster.local/ns/default/sa/reviews]"), e.getMessage());
        }
      }
    }
  }

  @Test
  void theCallersTimeoutAndCancel_stopAnMtlsAttempt() throws Exception {
    // An mTLS attempt is an OkHttp call of its own (on the client holding the workload certificate);
    // the route's timeout must not replace the application's shorter call timeout.
    try (SecureMesh mesh = new SecureMesh(tmp, java.time.Duration.ofHours(1))) {
      mesh.apply("reviews.yaml", STRICT + """
          ---
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: reviews}
          spec:
            hosts: [reviews]
            http:
            - timeout: 30s
              route:
              - destination: {host: reviews}
          """);
      mesh.httpServer(mesh.workload("reviews"), "reviews");
      try (MeshHttp http = MeshHttp.using(mesh.workload("productpage"))) {
        OkHttpClient timed = http.install(new OkHttpClient.Builder().callTimeout(java.time.Duration.ofMillis(300)));
        HttpMesh.await("productpage -> reviews over mTLS", () -> {
          try {
            return status(http.client(), "GET", "http://reviews/reviews/1") == 200;
          } catch (IOException e) {
            return false;
          }
        }, 15_000);
        long t0 = System.nanoTime();
        java.io.InterruptedIOException e = assertThrows(java.io.InterruptedIOException.class,
            () -> status(timed, "GET", "http://reviews/slow/2000"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("timeout", e.getMessage());
        assertTrue(ms < 1500, "the call timeout (300 ms) must end the mTLS attempt, took " + ms + " ms");

        okhttp3.Call call = http.client().newCall(new Request.Builder().url("http://reviews/slow/2000").build());
        Thread canceller = new Thread(() -> {
          try {
            Thread.sleep(300);
          } catch (InterruptedException ignored) {
            return;
          }
          call.cancel();
        }, "test-canceller");
        t0 = System.nanoTime();
        canceller.start();
        IOException canceled = assertThrows(IOException.class, () -> call.execute().close());
        ms = (System.nanoTime() - t0) / 1_000_000;
        canceller.join();
        assertTrue(ms < 1500, "cancel() after 300 ms must end the mTLS attempt, took " + ms + " ms: " + canceled);
      }
    }
  }

  @Test
  void authorizationPolicy_allowsOnlyProductpageOnGetReviews_refusalsLoggedWithTheCallersSpiffeId() throws Exception {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new DeltaXdsIT.Tee(originalErr, log), true, StandardCharsets.UTF_8));
    try (SecureMesh mesh = new SecureMesh(tmp, java.time.Duration.ofHours(1))) {
      mesh.apply("policies.yaml", STRICT + """
          ---
          apiVersion: security.istio.io/v1
          kind: AuthorizationPolicy
          metadata: {name: reviews-viewer, namespace: default}
          spec:
            selector: {matchLabels: {app: reviews}}
            action: ALLOW
            rules:
            - from: [{source: {principals: ["cluster.local/ns/default/sa/productpage"]}}]
              to: [{operation: {methods: ["GET"], paths: ["/reviews/*"]}}]
          ---
          apiVersion: security.istio.io/v1
          kind: AuthorizationPolicy
          metadata: {name: details-viewer, namespace: default}
          spec:
            selector: {matchLabels: {app: details}}
            action: ALLOW
            rules:
            - from: [{source: {principals: ["cluster.local/ns/default/sa/productpage"]}}]
              to: [{operation: {paths: ["/test.Echo/*"]}}]
          """);
      mesh.grpcServer(mesh.workload("details"), "details");
      mesh.httpServer(mesh.workload("reviews"), "reviews");
      Mesh productpage = mesh.workload("productpage");
      Mesh ratings = mesh.workload("ratings");
      ManagedChannel ppChannel = MeshChannels.forService(mesh.settings("productpage"), "details");
      ManagedChannel ratingsChannel = MeshChannels.forService(mesh.settings("ratings"), "details");
      try (MeshHttp pp = MeshHttp.using(productpage); MeshHttp rt = MeshHttp.using(ratings)) {
        HttpMesh.await("productpage -> details", () -> whoOrNull(ppChannel) != null, 15_000);
        assertTrue(who(ppChannel).startsWith("details|"));
        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class, () -> who(ratingsChannel));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode(), denied.toString());

        assertEquals(200, status(pp.client(), "GET", "http://reviews/reviews/1"));
        assertEquals(403, status(rt.client(), "GET", "http://reviews/reviews/1"), "ratings is not productpage");
        assertEquals(403, status(pp.client(), "POST", "http://reviews/reviews/1"), "only GET is allowed");
        assertEquals(403, status(pp.client(), "GET", "http://reviews/ratings/1"), "only /reviews/* is allowed");

        String ratingsId = "spiffe://cluster.local/ns/default/sa/ratings";
        HttpMesh.await("both refusals logged", () -> {
          String all = captured(log);
          return all.contains("denied " + ratingsId + " POST /test.Echo/Who") && all.contains("denied " + ratingsId + " GET /reviews/1");
        }, 5_000);
      } finally {
        ppChannel.shutdownNow();
        ratingsChannel.shutdownNow();
      }
    } finally {
      System.setErr(originalErr);
    }
  }

  private static String captured(ByteArrayOutputStream log) {
    synchronized (log) {
      return log.toString(StandardCharsets.UTF_8);
    }
  }

  static String who(Channel ch) {
    return ClientCalls.blockingUnaryCall(ch, SecureMesh.WHO, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hi");
  }

  static String whoOrNull(Channel ch) {
    try {
      return who(ch);
    } catch (StatusRuntimeException e) {
      return null;
    }
  }

  private static int status(OkHttpClient client, String method, String url) throws IOException {
    Request.Builder b = new Request.Builder().url(url);
    if (method.equals("POST")) {
      b.post(RequestBody.create(new byte[0]));
    }
    try (Response r = client.newCall(b.build()).execute()) {
      return r.code();
    }
  }

  /** An SSLContext presenting {@code identity}'s certificate and trusting any server. */
  private static SSLContext presenting(MeshIdentity identity) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(new KeyManager[] {identity.keyManager()}, new TrustManager[] {TRUST_ANY}, null);
    return ctx;
  }

  private static String rawGrpc(int port, MeshIdentity identity) throws Exception {
    ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", port, TlsChannelCredentials.newBuilder()
        .keyManager(identity.keyManager()).trustManager(TRUST_ANY).build()).overrideAuthority("ratings").build();
    try {
      return who(ch);
    } finally {
      ch.shutdownNow();
    }
  }

  private static void assertRefusedByGrpc(int port, MeshIdentity identity) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> rawGrpc(port, identity));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
  }

  private static int rawHttp(int port, MeshIdentity identity) throws Exception {
    OkHttpClient c = new OkHttpClient.Builder().sslSocketFactory(presenting(identity).getSocketFactory(), TRUST_ANY)
        .hostnameVerifier((h, s) -> true).build();
    try (Response r = c.newCall(new Request.Builder().url("https://127.0.0.1:" + port + "/reviews/1").build()).execute()) {
      return r.code();
    }
  }

  private static void assertRefusedByHttp(int port, MeshIdentity identity) {
    assertThrows(IOException.class, () -> rawHttp(port, identity));
  }

  /** Trusts any server, without hostname checks: these tests are about what the server accepts. */
  private static final javax.net.ssl.X509ExtendedTrustManager TRUST_ANY = new javax.net.ssl.X509ExtendedTrustManager() {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine e) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine e) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  };

  /** A ServiceEntry for {@code host} with one loopback endpoint run as {@code serviceAccount}, and ISTIO_MUTUAL to it. */
  private static String mtlsEntry(String host, int port, String serviceAccount) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: %1$s}
        spec:
          hosts: [%1$s]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 8080, name: http, protocol: HTTP}]
          endpoints:
          - address: 127.0.0.1
            ports: {http: %2$d}
            serviceAccount: %3$s
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: %1$s}
        spec:
          host: %1$s
          trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
        """.formatted(host, port, serviceAccount);
  }
}
