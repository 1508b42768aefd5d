package dev.meshwork.examples.bookstore;

import dev.meshwork.controlplane.ConfigStatus;
import dev.meshwork.controlplane.ControlPlane;
import dev.meshwork.examples.bookstore.productpage.ProductpageApp;
import dev.meshwork.examples.bookstore.ratings.RatingsApp;
import dev.meshwork.examples.bookstore.reviews.ReviewsApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.AbstractApplicationContext;

/**
 * The bookstore mesh in one JVM: an embedded control plane watching {@code <work>/config} (holding
 * {@code scenario.yaml}, the first scenario to begin with) with a join token per service, and five
 * Spring Boot apps on the starter, each its own context on real loopback sockets with random
 * ports: {@code ratings} (gRPC), {@code reviews} v1, v2, v3 and {@code productpage} (HTTP). Every
 * workload has an identity (mTLS between them; PERMISSIVE until a scenario says STRICT).
 */
public final class Bookstore implements AutoCloseable {
  /** The scenarios, in menu order ({@code examples/scenarios/<name>.yaml}). */
  public static final List<String> SCENARIOS = List.of("1-all-v1", "2-canary-90-10", "3-header-jason",
      "4-fault-ratings-delay", "5-strict-mtls-authz");
  /** The file in the config directory that holds the current scenario. */
  public static final String SCENARIO_FILE = "scenario.yaml";

  private final Path work;
  private final ControlPlane controlPlane;
  private final List<ConfigurableApplicationContext> apps = new ArrayList<>();
  private URI productpage;

  private Bookstore(Path work, ControlPlane controlPlane) {
    this.work = work;
    this.controlPlane = controlPlane;
  }

  /**
   * Starts the control plane and the five services; returns once productpage listens.
   *
   * @param work an empty directory for {@code scenarios/}, {@code config/} and the CA
   */
  public static Bookstore start(Path work) throws IOException {
    Path scenarios = Files.createDirectories(work.resolve("scenarios"));
    for (String s : SCENARIOS) {
      try (InputStream in = Objects.requireNonNull(Bookstore.class.getResourceAsStream("/scenarios/" + s + ".yaml"), s)) {
        Files.copy(in, scenarios.resolve(s + ".yaml"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path config = Files.createDirectories(work.resolve("config"));
    Files.copy(scenarios.resolve(SCENARIOS.get(0) + ".yaml"), config.resolve(SCENARIO_FILE));
    ControlPlane.Builder cp = ControlPlane.builder().configDirectory(config).xdsPort(0).adminPort(0)
        .caDirectory(work.resolve("ca"));
    for (String service : List.of("productpage", "reviews", "ratings")) {
      cp.joinToken(token(service), "default", service);
    }
    Bookstore b = new Bookstore(work, cp.start());
    try {
      b.startApps();
      return b;
    } catch (RuntimeException | IOException e) {
      b.close();
      throw e;
    }
  }

  private void startApps() throws IOException {
    int grpcPort = freePort();
    List<CompletableFuture<ConfigurableApplicationContext>> backends = List.of(
        CompletableFuture.supplyAsync(() -> app(RatingsApp.class, "ratings", "v1", WebApplicationType.NONE,
            "mesh.grpc.server.port=" + grpcPort)),
        CompletableFuture.supplyAsync(() -> app(ReviewsApp.class, "reviews", "v1", WebApplicationType.SERVLET)),
        CompletableFuture.supplyAsync(() -> app(ReviewsApp.class, "reviews", "v2", WebApplicationType.SERVLET)),
        CompletableFuture.supplyAsync(() -> app(ReviewsApp.class, "reviews", "v3", WebApplicationType.SERVLET)));
    RuntimeException failed = null;
    for (CompletableFuture<ConfigurableApplicationContext> f : backends) {
      try {
        apps.add(f.join());
      } catch (RuntimeException e) {
        failed = failed == null ? e : failed;
      }
    }
    if (failed != null) {
      throw failed;
    }
    // The front door: plain HTTP for the driver outside the mesh (mesh.inbound.tls=false).
    ConfigurableApplicationContext pp = app(ProductpageApp.class, "productpage", "v1", WebApplicationType.SERVLET,
        "mesh.inbound.tls=false");
    apps.add(pp);
    productpage = URI.create("http://127.0.0.1:" + pp.getEnvironment().getProperty("local.server.port"));
    awaitFirstPage();
  }

  /** Waits (up to 30 s) until a page is served end to end: config pushed, reviews registered. */
  private void awaitFirstPage() throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(productpage.resolve("/productpage/0"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for productpage", e);
      } catch (IOException e) {
        // not yet
      }
    }
    throw new IOException("productpage did not serve a page within 30 s (see the log)");
  }

  private ConfigurableApplicationContext app(Class<?> type, String service, String version,
      WebApplicationType web, String... extra) {
    List<String> props = new ArrayList<>(List.of(
        "spring.application.name=" + service,
        "spring.main.banner-mode=off",
        "spring.main.log-startup-info=false",
        "server.port=0",
        "server.address=127.0.0.1",
        "mesh.control-plane=" + controlPlane.xdsTarget(),
        "mesh.version=" + version,
        "mesh.instance-id=" + service + "-" + version,
        "mesh.identity-token=" + token(service),
        "mesh.registration.address=127.0.0.1",
        // As on an Istio-injected pod: servers take mTLS under PERMISSIVE, clients upgrade (auto mTLS).
        "mesh.labels.[security.istio.io/tlsMode]=istio"));
    props.addAll(List.of(extra));
    return new SpringApplicationBuilder(type).web(web).properties(props.toArray(String[]::new)).run();
  }

  private static String token(String service) {
    return "bookstore-" + service + "-token";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The productpage's base URI, {@code http://127.0.0.1:<port>}. */
  public URI productpage() {
    return productpage;
  }

  /** The watched config directory; {@code scenario.yaml} in it is the scenario served. */
  public Path configDirectory() {
    return work.resolve("config");
  }

  /** The copies of the scenarios. */
  public Path scenariosDirectory() {
    return work.resolve("scenarios");
  }

  /** The control plane's admin API port. */
  public int adminPort() {
    return controlPlane.adminPort();
  }

  /** The control plane's config status: version served, errors of the last rejected change. */
  public ConfigStatus configStatus() {
    return controlPlane.configStatus();
  }

  /**
   * Switches scenario: copies {@code scenarios/<name>.yaml} over {@code config/scenario.yaml}
   * (atomically), as a user would; the control plane's watcher picks it up.
   *
   * @param scenario one of {@link #SCENARIOS}, or its number (1-based)
   */
  public String switchTo(String scenario) throws IOException {
    String name = resolve(scenario).orElseThrow(() -> new IllegalArgumentException("no scenario " + scenario));
    Path staged = work.resolve(".scenario.tmp");
    Files.copy(scenariosDirectory().resolve(name + ".yaml"), staged, StandardCopyOption.REPLACE_EXISTING);
    Files.move(staged, configDirectory().resolve(SCENARIO_FILE), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    return name;
  }

  /** The scenario named or numbered {@code s}, if any. */
  public static Optional<String> resolve(String s) {
    String t = s.trim();
    if (t.matches("\\d+")) {
      int i = Integer.parseInt(t) - 1;
      return i >= 0 && i < SCENARIOS.size() ? Optional.of(SCENARIOS.get(i)) : Optional.empty();
    }
    return SCENARIOS.stream().filter(n -> n.equals(t) || n.substring(2).equals(t)).findFirst();
  }

  /**
   * Which scenario the config directory holds: the name of the scenario whose text
   * {@code scenario.yaml} equals, {@code custom} when it was edited, plus {@code +N files} when
   * other YAML files sit next to it.
   */
  public String currentScenario() {
    try {
      Path current = configDirectory().resolve(SCENARIO_FILE);
      String name = "(none)";
      if (Files.exists(current)) {
        String text = Files.readString(current);
        name = "custom";
        for (String s : SCENARIOS) {
          if (Files.readString(scenariosDirectory().resolve(s + ".yaml")).equals(text)) {
            name = s;
          }
        }
      }
      long others;
      try (Stream<Path> files = Files.list(configDirectory())) {
        others = files.map(p -> p.getFileName().toString())
            .filter(f -> (f.endsWith(".yaml") || f.endsWith(".yml")) && !f.equals(SCENARIO_FILE)).count();
      }
      return others == 0 ? name : name + " +" + others + " file(s)";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes the services (front door first), then the control plane. Idempotent. */
  @Override
  public synchronized void close() {
    for (int i = apps.size() - 1; i >= 0; i--) {
      ConfigurableApplicationContext app = apps.get(i);
      try {
        if (!(app instanceof AbstractApplicationContext a) || a.isActive()) {
          app.close();
        }
      } catch (RuntimeException ignored) {
        // best effort: keep closing the others
      }
    }
    apps.clear();
    controlPlane.close();
  }
}
