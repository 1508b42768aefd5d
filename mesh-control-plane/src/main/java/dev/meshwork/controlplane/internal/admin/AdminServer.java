package dev.meshwork.controlplane.internal.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meshwork.controlplane.ConfigStatus;
import dev.meshwork.controlplane.internal.metrics.ControlPlaneMetrics;
import dev.meshwork.controlplane.internal.xds.XdsResources;
import dev.meshwork.controlplane.internal.registry.InstanceRegistry;
import dev.meshwork.controlplane.internal.xds.ClientTracker;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only admin API (JSON over HTTP, JDK server, one named thread):
 * <ul>
 *   <li>{@code GET /config}: served config version, and the errors of the last rejected change set
 *   <li>{@code GET /services}: each service with its clusters and endpoints as served
 *   <li>{@code GET /listeners}, {@code /routes}, {@code /clusters}, {@code /endpoints}: the xDS
 *       resources as served, in Envoy's JSON form
 *   <li>{@code GET /clients}: connected xDS clients, the version each ACKed per type, NACKs
 *   <li>{@code GET /registry}: live registrations and their leases
 *   <li>{@code GET /ca}: trust domain, signing certificate, trusted roots, certificates issued and
 *       requests refused
 *   <li>{@code GET /metrics}: the control plane's meters in Prometheus text format 0.0.4
 *   <li>{@code GET /healthz}
 * </ul>
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private AdminServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static AdminServer start(InetSocketAddress address, Supplier<ConfigStatus> configStatus,
      Supplier<XdsResources> served, InstanceRegistry registry, ClientTracker tracker, Supplier<?> ca,
      Supplier<String> metrics) throws IOException {
    HttpServer http = HttpServer.create(address, 0);
    ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "meshwork-cp-admin");
      t.setDaemon(true);
      return t;
    });
    AdminServer a = new AdminServer(http, ex);
    ServedViews views = new ServedViews(served);
    a.route("/healthz", () -> Map.of("status", "SERVING"));
    a.route("/config", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      var s = configStatus.get();
      m.put("version", s.version());
      m.put("appliedAt", s.appliedAt());
      m.put("lastError", s.errors().isEmpty() ? null : String.join("\n", s.errors()));
      m.put("errors", s.errors());
      m.put("rejectedAt", s.rejectedAt());
      return m;
    });
    a.route("/services", views::services);
    a.route("/listeners", views::listeners);
    a.route("/routes", views::routes);
    a.route("/clusters", views::clusters);
    a.route("/endpoints", views::endpoints);
    a.route("/clients", () -> Map.of("clients", tracker.clients(), "recentNacks", tracker.recentNacks()));
    // Lease ids are left out: holding one is all it takes to deregister an instance.
    a.route("/registry", () -> registry.registrations().stream().map(r -> Map.of(
        "instanceId", r.instance().getInstanceId(),
        "service", r.instance().getService(),
        "address", r.instance().getAddress() + ":" + r.instance().getPort(),
        "labels", r.instance().getLabelsMap(),
        "locality", r.instance().getLocality(),
        "ttlMillis", r.ttlNanos() / 1_000_000)).toList());
    a.route("/ca", ca::get);
    a.route("/metrics", () -> new Text(ControlPlaneMetrics.CONTENT_TYPE, metrics.get()));
    http.setExecutor(ex);
    http.start();
    return a;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void route(String path, Supplier<Object> body) {
    server.createContext(path, exchange -> {
      try (exchange) {
        int code = 200;
        Object out;
        if (!exchange.getRequestURI().getPath().equals(path)) {
          code = 404;
          out = Map.of("error", "no such page: " + exchange.getRequestURI().getPath());
        } else if (!"GET".equals(exchange.getRequestMethod())) {
          code = 405;
          out = Map.of("error", "only GET is supported");
        } else {
          try {
            out = body.get();
          } catch (RuntimeException e) {
            log.warn("admin {} failed", path, e);
            code = 500;
            out = Map.of("error", String.valueOf(e));
          }
        }
        send(exchange, code, out);
      }
    });
  }

  private void send(HttpExchange exchange, int code, Object body) throws IOException {
    byte[] bytes;
    String contentType = "application/json; charset=utf-8";
    if (body instanceof Text text) {
      bytes = text.text().getBytes(StandardCharsets.UTF_8);
      contentType = text.contentType();
    } else {
      bytes = body instanceof RawJson raw ? raw.text().getBytes(StandardCharsets.UTF_8) : json.writeValueAsBytes(body);
    }
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Pre-rendered JSON (protobuf's JsonFormat output). */
  record RawJson(String text) {}

  /** A body that is not JSON (the Prometheus exposition). */
  record Text(String contentType, String text) {}

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
