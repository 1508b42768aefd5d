package dev.meshwork.spring.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.meshwork.controlplane.ControlPlane;
import dev.meshwork.core.MeshRegistration;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.spring.grpc.MeshGrpcServer;
import dev.meshwork.spring.it.productpage.ProductpageApp;
import dev.meshwork.spring.it.productpage.Ratings;
import dev.meshwork.spring.it.productpage.Reviews;
import dev.meshwork.spring.it.ratings.RatingsApp;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two Spring Boot apps on the starter against a real control plane: productpage (web) calls
 * reviews through a {@code @MeshClient} HTTP interface steered by a VirtualService, and ratings (a
 * gRPC-only app served by the starter's mesh gRPC server) through injected stubs; both register
 * themselves and leave the registry when closed.
 */
class MeshStarterIT {
  static final String CONFIG = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http:
        - match:
          - headers:
              end-user:
                exact: jason
          route:
          - destination:
              host: reviews
              subset: v2
        - route:
          - destination:
              host: reviews
              subset: v1
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
      spec:
        host: reviews
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
      """;

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void meshClientRoutedByVirtualService_appsRegisterAndDeregister(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("config"));
    Files.writeString(dir.resolve("reviews.yaml"), CONFIG);
    ControlPlane cp = ControlPlane.builder().configDirectory(dir).xdsPort(0).adminPort(0).start();
    closing.add(cp);
    upstream(cp, "reviews-v1", "v1");
    upstream(cp, "reviews-v2", "v2");

    int grpcPort;
    try (ServerSocket s = new ServerSocket(0)) {
      grpcPort = s.getLocalPort();
    }
    ConfigurableApplicationContext ratings = new SpringApplicationBuilder(RatingsApp.class)
        .web(WebApplicationType.NONE)
        .properties("mesh.control-plane=" + cp.xdsTarget(), "spring.application.name=ratings", "mesh.version=v1",
            "mesh.grpc.server.port=" + grpcPort, "mesh.registration.address=127.0.0.1")
        .run();
    closing.add(ratings);
    assertThat(ratings.getBean(MeshGrpcServer.class).isRunning()).isTrue();

    ConfigurableApplicationContext productpage = new SpringApplicationBuilder(ProductpageApp.class)
        .properties("mesh.control-plane=" + cp.xdsTarget(), "spring.application.name=productpage",
            "mesh.version=v3", "mesh.labels.team=books", "mesh.registration.address=127.0.0.1", "server.port=0")
        .run();
    closing.add(productpage);
    int webPort = Integer.parseInt(productpage.getEnvironment().getProperty("local.server.port"));

    Reviews reviews = productpage.getBean(Reviews.class);
    for (int i = 0; i < 5; i++) {
      assertThat(reviews.byId("1", "jason")).isEqualTo("v2");
      assertThat(reviews.byId("1", "bob")).isEqualTo("v1");
    }

    Ratings stubs = productpage.getBean(Ratings.class);
    assertThat(stubs.check(false)).isEqualTo(ServingStatus.SERVING);
    assertThat(stubs.check(true)).isEqualTo(ServingStatus.SERVING);

    JsonNode pp = await(cp, "productpage registered", e -> e.path("service").asText().equals("productpage")).orElseThrow();
    assertThat(pp.path("address").asText()).isEqualTo("127.0.0.1:" + webPort);
    assertThat(pp.path("labels").path("version").asText()).isEqualTo("v3");
    assertThat(pp.path("labels").path("app").asText()).isEqualTo("productpage");
    assertThat(pp.path("labels").path("team").asText()).isEqualTo("books");
    JsonNode r = await(cp, "ratings registered", e -> e.path("service").asText().equals("ratings")).orElseThrow();
    assertThat(r.path("address").asText()).isEqualTo("127.0.0.1:" + grpcPort);
    assertThat(r.path("instanceId").asText()).endsWith("-grpc");

    productpage.close();
    ratings.close();
    assertThat(registry(cp)).noneMatch(e -> Map.of("productpage", 1, "ratings", 1)
        .containsKey(e.path("service").asText()));
  }

  private Optional<JsonNode> await(ControlPlane cp, String what, Predicate<JsonNode> p) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> found = registry(cp).stream().filter(p).findFirst();
      if (found.isPresent()) {
        return found;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(what + " not seen in the registry: " + registry(cp));
  }

  private List<JsonNode> registry(ControlPlane cp) throws Exception {
    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + cp.adminPort() + "/registry")).build(), HttpResponse.BodyHandlers.ofString());
    List<JsonNode> out = new ArrayList<>();
    json.readTree(resp.body()).forEach(out::add);
    return out;
  }

  private void upstream(ControlPlane cp, String name, String version) {
    WireMockServer w = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    w.start();
    closing.add(w::stop);
    w.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody(version)));
    MeshSettings s = MeshSettings.builder().controlPlane(cp.xdsTarget()).service("reviews").instanceId(name).build();
    closing.add(MeshRegistration.register(s, "127.0.0.1", w.port(), Map.of("version", version), Duration.ofSeconds(10)));
  }
}
