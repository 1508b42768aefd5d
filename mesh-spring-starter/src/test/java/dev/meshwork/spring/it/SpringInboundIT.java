package dev.meshwork.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.meshwork.controlplane.ControlPlane;
import dev.meshwork.core.MeshRegistration;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.identity.IdentityOptions;
import dev.meshwork.core.identity.MeshIdentity;
import dev.meshwork.http.MeshHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring Boot servlet app (Tomcat, random port) in a mesh with identity: the real control
 * plane and CA, PeerAuthentication STRICT and an AuthorizationPolicy allowing only productpage on
 * {@code GET /hello}, called by mesh clients built outside Spring.
 */
class SpringInboundIT {
  static final String POLICY = """
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata: {name: default, namespace: istio-system}
      spec:
        mtls: {mode: STRICT}
      ---
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: reviews-hello, namespace: default}
      spec:
        selector: {matchLabels: {app: reviews}}
        action: ALLOW
        rules:
        - from: [{source: {principals: ["cluster.local/ns/default/sa/productpage"]}}]
          to: [{operation: {methods: ["GET"], paths: ["/hello"]}}]
      """;

  @TempDir Path tmp;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private ControlPlane cp;
  private Path config;

  @AfterEach
  void close() {
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  @Test
  void strictMtlsAndAuthorization_peerSeen_healthUp_endpointShowsConfig() throws Exception {
    startControlPlane(Duration.ofHours(1));
    apply(POLICY);
    ConfigurableApplicationContext app = startApp(Duration.ofHours(1));
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    Mesh appMesh = app.getBean(Mesh.class);
    register(appMesh.settings(), port);

    Mesh productpage = workload("productpage", Duration.ofHours(1));
    Mesh ratings = workload("ratings", Duration.ofHours(1));
    try (MeshHttp pp = MeshHttp.using(productpage); MeshHttp rt = MeshHttp.using(ratings)) {
      await("productpage -> reviews", () -> code(pp.client(), "http://reviews/hello") == 200, 20_000);
      try (Response r = pp.client().newCall(new Request.Builder().url("http://reviews/hello").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).isEqualTo("hello spiffe://cluster.local/ns/default/sa/productpage");
        assertThat(r.handshake()).as("over TLS").isNotNull();
      }
      try (Response r = rt.client().newCall(new Request.Builder().url("http://reviews/hello").build()).execute()) {
        assertThat(r.code()).as("ratings is not allowed").isEqualTo(403);
        assertThat(r.body().string()).startsWith("RBAC: access denied");
      }
      assertThat(code(pp.client(), "http://reviews/other")).as("only /hello is allowed").isEqualTo(403);
    }

    // Plaintext to the application port: not served.
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> r = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("plaintext refused: " + r.body()).isNotEqualTo(200);
      assertThat(r.body()).doesNotContain("hello");
    } catch (IOException refused) {
      // connection closed by the TLS connector: refused too
    }

    // Actuator on the management port (plaintext, outside the mesh policy, as probes need).
    int management = Integer.parseInt(app.getEnvironment().getProperty("local.management.port"));
    assertThat(appMesh.isMeshService("reviews")).isTrue(); // the app now uses reviews: route + cluster
    await("the cluster's endpoints", () -> get(plain, management, "/actuator/mesh").contains("127.0.0.1:" + port),
        10_000);
    String health = get(plain, management, "/actuator/health");
    assertThat(health).contains("\"mesh\"").contains("\"status\":\"UP\"").contains("certificateNotAfter");
    String view = get(plain, management, "/actuator/mesh");
    assertThat(view).contains("\"name\":\"reviews\"").contains("\"clusters\":[\"outbound|80||reviews=1\"]")
        .contains("\"endpoints\":[\"127.0.0.1:" + port + "\"]")
        .contains("\"connected\":true").contains("\"tls\":\"MTLS_REQUIRED\"").contains("grpc/server?")
        .contains("\"policies\":[\"ALLOW default-reviews-hello-0\"]");
  }

  @Test
  void rotation_newConnectionsSeeTheNewCertificate_withoutRestart() throws Exception {
    Duration ttl = Duration.ofSeconds(20);
    startControlPlane(ttl);
    ConfigurableApplicationContext app = startApp(ttl);
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    MeshIdentity server = app.getBean(Mesh.class).identity().orElseThrow();
    MeshIdentity client = workload("productpage", Duration.ofHours(1)).identity().orElseThrow();
    Set<String> seen = new HashSet<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (seen.size() < 2 && System.nanoTime() < deadline) {
      String served = servedSerial(client, port);
      String current = server.currentCertificate().getSerialNumber().toString(16);
      if (served.equals(current)) {
        seen.add(served);
      }
      Thread.sleep(250);
    }
    assertThat(seen).as("serials the server presented, each its current one at the time").hasSizeGreaterThanOrEqualTo(2);
  }

  private static String servedSerial(MeshIdentity client, int port) throws IOException {
    try (SSLSocket s = (SSLSocket) client.sslContext().getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber().toString(16);
    }
  }

  private void startControlPlane(Duration maxTtl) throws IOException {
    config = Files.createDirectories(tmp.resolve("config"));
    ControlPlane.Builder b = ControlPlane.builder().configDirectory(config).xdsPort(0).adminPort(0)
        .caDirectory(tmp.resolve("ca")).maxCertificateTtl(maxTtl).defaultCertificateTtl(maxTtl);
    for (String w : List.of("reviews", "productpage", "ratings")) {
      b.joinToken(w + "-token", "default", w);
    }
    cp = b.start();
    closing.add(cp);
  }

  private ConfigurableApplicationContext startApp(Duration ttl) {
    ConfigurableApplicationContext app = new SpringApplicationBuilder(ReviewsApp.class)
        .properties("server.port=0", "server.address=127.0.0.1", "management.server.port=0",
            "management.server.address=127.0.0.1", "spring.application.name=reviews",
            "management.endpoints.web.exposure.include=health,mesh", "management.endpoint.health.show-details=always",
            "test.control-plane=" + cp.xdsTarget(), "test.ttl=" + ttl)
        .run();
    closing.add(app);
    return app;
  }

  private Mesh workload(String name, Duration ttl) {
    MeshSettings s = MeshSettings.builder().controlPlane(cp.xdsTarget()).service(name)
        .instanceId(name + "-" + System.nanoTime()).identityToken(name + "-token").build();
    Mesh m = Mesh.start(s, MeshOptions.DEFAULTS.withIdentity(IdentityOptions.builder().requestedTtl(ttl).build()));
    closing.add(m);
    return m;
  }

  private void register(MeshSettings s, int port) {
    closing.add(MeshRegistration.register(s, "127.0.0.1", port, Map.of("app", s.service()), Duration.ofSeconds(3)));
  }

  private void apply(String yaml) throws Exception {
    var before = cp.configStatus();
    Path staged = Files.writeString(Files.createTempFile(tmp, "cfg", ".tmp"), yaml);
    Files.move(staged, config.resolve("policy.yaml"), StandardCopyOption.ATOMIC_MOVE);
    await("config applied", () -> cp.configStatus().version() > before.version()
        || !cp.configStatus().errors().isEmpty(), 10_000);
    assertThat(cp.configStatus().errors()).isEmpty();
  }

  private static int code(OkHttpClient client, String url) {
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code();
    } catch (IOException e) {
      return -1;
    }
  }

  private static String get(HttpClient client, int port, String path) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static void await(String what, BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeoutMillis + " ms waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
