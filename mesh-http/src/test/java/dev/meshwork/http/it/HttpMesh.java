package dev.meshwork.http.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPattern;
import dev.meshwork.controlplane.ControlPlane;
import dev.meshwork.core.MeshRegistration;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.http.MeshHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A mesh on loopback for HTTP tests: the real control plane (temp config dir, ephemeral ports),
 * WireMock upstreams registered through the registry, OkHttp clients from {@link MeshHttp}.
 */
final class HttpMesh implements AutoCloseable {
  final Path dir;
  final ControlPlane cp;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final Map<String, MeshRegistration> registrations = new java.util.concurrent.ConcurrentHashMap<>();

  HttpMesh(Path tmp) throws IOException {
    dir = Files.createDirectories(tmp.resolve("config"));
    cp = ControlPlane.builder().configDirectory(dir).xdsPort(0).adminPort(0).start();
  }

  /** A WireMock upstream answering every request with its own name (body) and status 200. */
  WireMockServer upstream(String service, String name, Map<String, String> labels) {
    return upstream(service, name, labels, "", 200);
  }

  /**
   * A WireMock upstream answering every request with its own name (body) and {@code status}. The
   * request journal is always on, to count and inspect what the upstream received.
   *
   * @param journal kept for callers that say they need the journal (it is always on)
   */
  WireMockServer upstream(String service, String name, Map<String, String> labels, int status, boolean journal) {
    return upstream(service, name, labels, "", status);
  }

  WireMockServer upstream(String service, String name, Map<String, String> labels,
      com.github.tomakehurst.wiremock.extension.Extension... extensions) {
    return upstream(service, name, labels, "", 200, extensions);
  }

  /** An upstream registered with a locality ("zone" or "region/zone/subzone"). */
  WireMockServer upstream(String service, String name, Map<String, String> labels, String locality,
      com.github.tomakehurst.wiremock.extension.Extension... extensions) {
    return upstream(service, name, labels, locality, 200, extensions);
  }

  private WireMockServer upstream(String service, String name, Map<String, String> labels, String locality, int status,
      com.github.tomakehurst.wiremock.extension.Extension... extensions) {
    WireMockServer w = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(20)
        .jettyAcceptors(1).extensions(extensions));
    w.start();
    w.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status).withBody(name)));
    closing.add(w::stop);
    MeshSettings s = MeshSettings.builder().controlPlane(cp.xdsTarget()).service(service).instanceId(name)
        .locality(locality).build();
    MeshRegistration reg = MeshRegistration.register(s, "127.0.0.1", w.port(), labels, Duration.ofSeconds(10));
    registrations.put(name, reg);
    closing.add(reg);
    return w;
  }

  /** Deregisters an upstream (it leaves EDS at once) and stops it. */
  void remove(String name, WireMockServer w) {
    registrations.remove(name).close();
    w.stop();
  }

  MeshHttp client() {
    return client(MeshOptions.DEFAULTS);
  }

  MeshHttp client(MeshOptions options) {
    return client(options, "");
  }

  /** A client in a locality (locality-aware routing prefers its own zone). */
  MeshHttp client(MeshOptions options, String locality) {
    MeshHttp h = MeshHttp.create(MeshSettings.builder().controlPlane(cp.xdsTarget()).service("test-client")
        .locality(locality).build(), options);
    closing.add(h);
    return h;
  }

  void apply(String file, String yaml) {
    var before = cp.configStatus();
    try {
      Path staged = Files.writeString(Files.createTempFile(dir.getParent(), "cfg", ".tmp"), yaml);
      Files.move(staged, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await("config applied", () -> cp.configStatus().version() > before.version()
        || (cp.configStatus().rejectedAt() != null && !cp.configStatus().rejectedAt().equals(before.rejectedAt())), 5_000);
    if (cp.configStatus().version() == before.version()) {
      fail("config rejected: " + cp.configStatus().errors());
    }
  }

  /** Body of one GET (or "HTTP <code>" for non-200, "ERROR:<exception class>" for failures). */
  static String get(OkHttpClient client, String url, Map<String, String> headers) {
    Request.Builder b = new Request.Builder().url(url);
    headers.forEach(b::header);
    try (Response r = client.newCall(b.build()).execute()) {
      return r.code() == 200 ? r.body().string() : "HTTP " + r.code();
    } catch (IOException e) {
      return "ERROR:" + e.getClass().getSimpleName();
    }
  }

  /** One GET's body (any status), or the IOException it failed with (e.g. a MeshRejectedException). */
  record Outcome(int status, String body, IOException failure) {
    boolean ok() {
      return failure == null && status == 200;
    }
  }

  static Outcome call(OkHttpClient client, String url) {
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return new Outcome(r.code(), r.body().string(), null);
    } catch (IOException e) {
      return new Outcome(0, null, e);
    }
  }

  /** Requests a journaling upstream has received so far. */
  static int received(WireMockServer w) {
    return w.countRequestsMatching(RequestPattern.everything()).getCount();
  }

  /**
   * Waits, bounded, until the client's asynchronous calls (request mirrors are enqueued on its
   * dispatcher) have finished and the upstreams' request counts stop moving.
   */
  static void awaitQuiet(OkHttpClient client, List<WireMockServer> upstreams, long timeoutMillis) {
    int[] last = {-1};
    await("mirrored requests to finish", () -> {
      if (client.dispatcher().runningCallsCount() + client.dispatcher().queuedCallsCount() > 0) {
        return false;
      }
      int now = upstreams.stream().mapToInt(HttpMesh::received).sum();
      boolean stable = now == last[0];
      last[0] = now;
      return stable;
    }, timeoutMillis);
  }

  static Map<String, Integer> distribution(OkHttpClient client, String url, Map<String, String> headers, int n) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(get(client, url, headers), 1, Integer::sum);
    }
    return counts;
  }

  /** As {@link #distribution} from {@code threads} threads (requests that mostly wait on backoff). */
  static Map<String, Integer> concurrentDistribution(OkHttpClient client, String url, int threads, int perThread)
      throws InterruptedException {
    Map<String, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          counts.merge(get(client, url, Map.of()), 1, Integer::sum);
        }
      }, "load-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join(120_000);
    }
    return new HashMap<>(counts);
  }

  /**
   * Percentage of calls whose key is (or, for HTTP, starts with) one of {@code prefixes}. Callers size
   * their samples so that the asserted tolerance is at least 4.5 binomial standard deviations,
   * sqrt(p(1-p)/n): a 3-point tolerance needs about 2,000 calls at 10%, 3,600 at 20%, 4,300 at
   * 25% and 5,700 at 50%, and twice that where two measured shares are compared.
   */
  static double share(Map<String, Integer> counts, String... prefixes) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    int hit = 0;
    for (var e : counts.entrySet()) {
      for (String p : prefixes) {
        if (e.getKey().startsWith(p)) {
          hit += e.getValue();
        }
      }
    }
    return 100.0 * hit / total;
  }

  static void await(String what, BooleanSupplier cond, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeoutMillis + " ms waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    cp.close();
  }
}
