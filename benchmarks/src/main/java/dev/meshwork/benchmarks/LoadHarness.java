package dev.meshwork.benchmarks;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.identity.IdentityOptions;
import dev.meshwork.core.identity.MeshIdentity;
import dev.meshwork.core.telemetry.TelemetryOptions;
import dev.meshwork.grpc.MeshChannels;
import dev.meshwork.http.MeshHttp;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Bare and mesh clients side by side in one JVM against the same loopback servers (Netty HTTP/1.1
 * and gRPC, each on its own event loops; 1 KiB responses), config from a real control plane; plaintext, and with mTLS on
 * both sides (TLS servers presenting a mesh-CA certificate with their SPIFFE ID and requiring a
 * client certificate). Per variant, protocol and run: an open-loop phase at a fixed rate (each
 * call scheduled at its intended start time and its latency counted from it: no coordinated
 * omission) and a closed-loop phase (N callers back to back).
 *
 * <p>Each phase is cut into short slices (default 1 s) that alternate between the bare and the
 * mesh client, the order inside each pair of slices alternating too, so drift and noisy
 * neighbours fall on both. A client's figures accumulate over its slices: latency histogram,
 * requests, errors, elapsed time, process CPU, bytes allocated by all threads, and stop-the-world
 * GC count and time. An open-loop slice issues its fixed share of calls at their intended times
 * and then waits for all of them to complete before the next slice starts (its CPU, allocation
 * and GC counted up to then), so no call of one client is in flight during the other's slice.
 */
final class LoadHarness implements AutoCloseable {
  /**
   * @param meshTelemetry {@code on}: metrics and tracing (sampled out); {@code off}: TelemetryOptions.DISABLED
   * @param sliceMs length of one client's slice; phases alternate bare and mesh slice by slice
   * @param tls {@code plaintext}, {@code mtls} or {@code both}
   * @param sliceLog print one line per slice (calls, percentiles, max, GC) to stderr
   */
  record Settings(int rate, int openSeconds, int closedSeconds, int warmupSeconds, int concurrency, String meshTelemetry,
      int sliceMs, String tls, boolean sliceLog) {
    Settings {
      if (!List.of("plaintext", "mtls", "both").contains(tls)) {
        throw new IllegalArgumentException("--tls " + tls + " (expected: plaintext, mtls or both)");
      }
      if (sliceMs < 50) {
        throw new IllegalArgumentException("--slice-ms " + sliceMs + " (expected: at least 50)");
      }
    }

    List<String> variants() {
      return tls.equals("both") ? List.of("plaintext", "mtls") : List.of(tls);
    }
  }

  static final String CLIENT = "bench-client";
  static final String SERVER = "bench-server";
  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);

  /**
   * One client under test. {@code certSerial}: the serial (hex) of the client certificate it
   * presents, by which the TLS server counts its requests; null for plaintext.
   */
  record Client(String variant, String protocol, String name, Target target, Servers server, String certSerial) {}

  private final Settings settings;
  private final Servers plainServers;
  private final BenchMesh cp;
  private final OpenTelemetrySdk otel;
  private final Mesh mesh;
  private MeshIdentity serverIdentity;
  private MeshIdentity bareIdentity;
  private Servers tlsServers;
  /** variant -> protocol -> [bare, mesh]. */
  private final Map<String, Map<String, List<Client>>> clients = new LinkedHashMap<>();

  LoadHarness(Settings settings) throws Exception {
    this.settings = settings;
    plainServers = new Servers();
    cp = new BenchMesh(List.of(CLIENT, SERVER));
    cp.apply("bench.yaml", serviceYaml("bench", plainServers.httpPort(), plainServers.grpcPort(), null));
    otel = PerRequestBenchmark.sampledOut();
    // Metrics (in the registry production scrapes) and tracing on (spans sampled out), as an
    // application would run. The mesh has a workload identity in every variant (it costs nothing
    // on plaintext clusters), so the plaintext figures do not depend on --tls.
    mesh = Mesh.start(cp.identitySettings(CLIENT), MeshOptions.DEFAULTS.withMeterRegistry(BenchMesh.clientMeters())
        .withTelemetry(settings.meshTelemetry().equals("off") ? TelemetryOptions.DISABLED
            : TelemetryOptions.DEFAULTS.withOpenTelemetry(otel)));
    for (String variant : settings.variants()) {
      clients.put(variant, variant.equals("mtls") ? mtlsClients() : plaintextClients());
    }
    verify();
  }

  private Map<String, List<Client>> plaintextClients() {
    Client httpBare = new Client("plaintext", "http", "bare", new HttpTarget("bare", HttpTarget.builder().build(),
        "http://127.0.0.1:" + plainServers.httpPort() + "/bench"), plainServers, null);
    Client httpMesh = new Client("plaintext", "http", "mesh", new HttpTarget("mesh",
        MeshHttp.using(mesh).install(HttpTarget.builder()), "http://bench:8080/bench"), plainServers, null);
    Client grpcBare = new Client("plaintext", "grpc", "bare", new GrpcTarget("bare", Grpc.newChannelBuilderForAddress(
        "127.0.0.1", plainServers.grpcPort(), InsecureChannelCredentials.create()).build()), plainServers, null);
    Client grpcMesh = new Client("plaintext", "grpc", "mesh",
        new GrpcTarget("mesh", MeshChannels.forService(mesh, "bench:9090")), plainServers, null);
    return Map.of("http", List.of(httpBare, httpMesh), "grpc", List.of(grpcBare, grpcMesh));
  }

  /**
   * TLS servers with the certificate of {@value #SERVER} (a MeshIdentity from the control plane's
   * CA), a ServiceEntry {@code bench-tls} whose endpoint runs as that service account, with a
   * DestinationRule {@code tls: ISTIO_MUTUAL} (so the mesh clients originate mTLS and expect the
   * server's SPIFFE ID); the bare clients present a second certificate for {@value #CLIENT}, so
   * the servers can tell the two clients' requests apart by certificate serial.
   */
  private Map<String, List<Client>> mtlsClients() throws Exception {
    serverIdentity = MeshIdentity.start(cp.identitySettings(SERVER), IdentityOptions.DEFAULTS);
    bareIdentity = MeshIdentity.start(cp.identitySettings(CLIENT), IdentityOptions.DEFAULTS);
    tlsServers = new Servers(serverIdentity);
    cp.apply("bench-tls.yaml", serviceYaml("bench-tls", tlsServers.httpPort(), tlsServers.grpcPort(), SERVER));
    String serverId = cp.identitySettings(SERVER).spiffeId();
    String bareSerial = serial(bareIdentity);
    String meshSerial = serial(mesh.identity().orElseThrow());
    Client httpBare = new Client("mtls", "http", "bare", new HttpTarget("bare",
        Tls.okHttp(HttpTarget.builder(), bareIdentity, serverId).build(),
        "https://127.0.0.1:" + tlsServers.httpPort() + "/bench"), tlsServers, bareSerial);
    Client httpMesh = new Client("mtls", "http", "mesh", new HttpTarget("mesh",
        MeshHttp.using(mesh).install(HttpTarget.builder()), "http://bench-tls:8080/bench"), tlsServers, meshSerial);
    Client grpcBare = new Client("mtls", "grpc", "bare", new GrpcTarget("bare", Grpc.newChannelBuilderForAddress(
        "127.0.0.1", tlsServers.grpcPort(), Tls.grpc(bareIdentity, serverId)).build()), tlsServers, bareSerial);
    Client grpcMesh = new Client("mtls", "grpc", "mesh",
        new GrpcTarget("mesh", MeshChannels.forService(mesh, "bench-tls:9090")), tlsServers, meshSerial);
    return Map.of("http", List.of(httpBare, httpMesh), "grpc", List.of(grpcBare, grpcMesh));
  }

  private static String serial(MeshIdentity identity) {
    return identity.currentCertificate().getSerialNumber().toString(16);
  }

  /**
   * One call per client before anything is measured, checking the transport on both ends: a
   * plaintext client must see plaintext; an mTLS client must see the server's SPIFFE ID, and the
   * server must have counted the call under that client's certificate. Fails the harness otherwise.
   */
  private void verify() throws Exception {
    String serverId = cp.identitySettings(SERVER).spiffeId();
    for (Map<String, List<Client>> byProtocol : clients.values()) {
      for (String protocol : List.of("http", "grpc")) {
        for (Client c : byProtocol.get(protocol)) {
          if (c.target() instanceof GrpcTarget g) {
            try {
              g.awaitReady();
            } catch (RuntimeException e) {
              throw new IllegalStateException(c.variant() + " " + protocol + " " + c.name() + " not ready: " + e
                  + "\nmesh: " + mesh.describe() + "\ncontrol plane /clients: " + adminClients(), e);
            }
          }
          long before = c.certSerial() == null ? 0 : c.server().seen(protocol, c.certSerial());
          String seen = c.target().probe();
          String line = c.variant() + " " + protocol + " " + c.name() + ": client saw " + seen;
          if (c.certSerial() == null) {
            if (!seen.equals("plaintext")) {
              throw new IllegalStateException(line + " (expected plaintext)");
            }
          } else {
            long counted = c.server().seen(protocol, c.certSerial()) - before;
            line += "; server counted " + counted + " call(s) with client certificate " + c.certSerial();
            if (!seen.startsWith(serverId + " (") || counted != 1) {
              throw new IllegalStateException(line + " (expected " + serverId + " and 1 call; server saw "
                  + c.server().peers(protocol) + ")\nmesh: " + mesh.describe() + "\ncontrol plane /clients: "
                  + adminClients());
            }
          }
          System.err.println("verified " + line);
        }
      }
    }
  }

  /** The control plane's admin {@code /clients} (ACKed versions and NACKs), for diagnostics. */
  private String adminClients() {
    try {
      HttpClient h = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      return h.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.cp.adminPort() + "/clients"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "unavailable: " + e;
    }
  }

  /**
   * A ServiceEntry {@code host} (HTTP port 8080, gRPC port 9090, one static endpoint on loopback),
   * DestinationRule (subset, round robin, outlier detection; ISTIO_MUTUAL when
   * {@code serverAccount} is set, the endpoint then running as that service account) and
   * VirtualService (route to the subset, retries on connect-failure/reset).
   */
  static String serviceYaml(String host, int httpPort, int grpcPort, String serverAccount) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: %1$s
        spec:
          hosts: [%1$s]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 8080, name: http, protocol: HTTP}
          - {number: 9090, name: grpc, protocol: GRPC}
          endpoints:
          - address: 127.0.0.1
            ports: {http: %2$d, grpc: %3$d}
            labels: {version: v1}%4$s
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: %1$s
        spec:
          host: %1$s
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection:
              consecutive5xxErrors: 5
              interval: 10s
              baseEjectionTime: 30s%5$s
          subsets:
          - {name: v1, labels: {version: v1}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: %1$s
        spec:
          hosts: [%1$s]
          http:
          - route:
            - destination: {host: %1$s, subset: v1}
            retries:
              attempts: 2
              retryOn: connect-failure,reset
        """.formatted(host, httpPort, grpcPort,
        serverAccount == null ? "" : "\n    serviceAccount: " + serverAccount,
        serverAccount == null ? "" : "\n    tls: {mode: ISTIO_MUTUAL}");
  }

  /** Most warm-up passes; each is about 8 × {@code --warmup-seconds}. */
  static final int MAX_WARMUP_PASSES = 4;
  /** A warm-up pass with less JIT compilation than this share of its wall time ends the warm-up. */
  static final double JIT_QUIET = 0.02;

  /**
   * Warm-up of every client, closed then open loop, in slices as measured (JIT, connections, xDS);
   * not recorded. Passes over every variant and protocol repeat (at most {@value #MAX_WARMUP_PASSES})
   * until one leaves the JIT compilers nearly idle: each new path (mTLS after plaintext, gRPC after
   * HTTP) widens the type profiles of code they share, so C2 recompiles the first paths after
   * their own warm-up, and on two cores a busy compiler takes CPU from whichever client is being
   * measured.
   */
  void warmUp() throws InterruptedException {
    int half = Math.max(1, settings.warmupSeconds() / 2);
    for (String variant : clients.keySet()) {
      for (String protocol : List.of("http", "grpc")) {
        for (Client c : clients.get(variant).get(protocol)) {
          c.target().prime();
          if (c.target() instanceof HttpTarget h) {
            System.err.printf("warm-up %s %s %s: %d connections open%n", variant, protocol, c.name(), h.connections());
          }
        }
      }
    }
    for (int pass = 1; pass <= MAX_WARMUP_PASSES; pass++) {
      long jit0 = Usage.jitMillis();
      long t0 = System.nanoTime();
      for (String variant : clients.keySet()) {
        for (String protocol : List.of("http", "grpc")) {
          phase(0, variant, protocol, false, half, null);
          phase(0, variant, protocol, true, half, null);
        }
      }
      long jit = Usage.jitMillis() - jit0;
      double ms = (System.nanoTime() - t0) / 1e6;
      System.err.printf("warm-up pass %d: %.0f s, JIT compiling %d ms%n", pass, ms / 1000, jit);
      if (jit0 < 0 || jit < JIT_QUIET * ms) {
        return;
      }
    }
    System.err.printf("WARNING: the JIT was still compiling after %d warm-up passes; see the JIT ms columns%n",
        MAX_WARMUP_PASSES);
  }

  /** One run of every phase; {@code run} decides which client goes first in each slice pair. */
  void run(int run, Figures out) throws InterruptedException {
    for (String variant : clients.keySet()) {
      for (String protocol : List.of("http", "grpc")) {
        phase(run, variant, protocol, true, settings.openSeconds(), out);
        phase(run, variant, protocol, false, settings.closedSeconds(), out);
      }
    }
  }

  /** What a client's slices of one phase measured, accumulated. Used by one thread at a time. */
  static final class Acc {
    private final Histogram histogram = new Histogram(3);
    long requests;
    long errors;
    long nanos;
    long cpuNanos;
    long allocBytes;
    long gcCount;
    long gcMillis;
    long stealTicks;
    long cpuTicks;
    /** JIT compilation time during the slices; -1 when the JVM does not report it. */
    long jitMillis;
    long serverSeen;
    long serverSessions;
    int slices;
    void add(Histogram latencies, long requests, long errors, long nanos, Usage.Snapshot s0, Usage.Snapshot s1,
        long allocBytes) {
      histogram.add(latencies);
      this.requests += requests;
      this.errors += errors;
      this.nanos += nanos;
      this.cpuNanos += s1.cpuNanos() - s0.cpuNanos();
      this.gcCount += s1.gcCount() - s0.gcCount();
      this.gcMillis += s1.gcMillis() - s0.gcMillis();
      if (s0.cpuTicks() >= 0 && s1.cpuTicks() >= 0) {
        this.stealTicks += s1.stealTicks() - s0.stealTicks();
        this.cpuTicks += s1.cpuTicks() - s0.cpuTicks();
      }
      this.allocBytes += allocBytes;
      if (jitMillis >= 0) {
        jitMillis = s0.jitMillis() < 0 || s1.jitMillis() < 0 ? -1 : jitMillis + s1.jitMillis() - s0.jitMillis();
      }
      slices++;
    }

    double micros(double percentile) {
      return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    double cpuMicrosPerRequest() {
      return requests == 0 ? Double.NaN : cpuNanos / 1000.0 / requests;
    }

    /** Percent of the machine's CPU time stolen by the hypervisor during the slices; NaN when unknown. */
    double stealPercent() {
      return cpuTicks <= 0 ? Double.NaN : 100.0 * stealTicks / cpuTicks;
    }

    double kbPerRequest() {
      return requests == 0 ? Double.NaN : allocBytes / 1024.0 / requests;
    }

    double rps() {
      return requests / (nanos / 1e9);
    }

    /** Successful calls the TLS server counted under the client's certificate, over successful calls. */
    double tlsVerified() {
      long ok = requests - errors;
      return ok == 0 ? Double.NaN : (double) serverSeen / ok;
    }
  }

  /**
   * One phase of one protocol: {@code seconds} per client, in slices alternating bare and mesh
   * (pair k runs bare first when k + run is even). {@code out} null: warm-up, nothing recorded.
   */
  private void phase(int run, String variant, String protocol, boolean open, int seconds, Figures out)
      throws InterruptedException {
    List<Client> pair = clients.get(variant).get(protocol);
    int slices = Math.max(1, (int) (seconds * 1000L / settings.sliceMs()));
    Acc[] acc = {new Acc(), new Acc()};
    for (int k = 0; k < slices; k++) {
      boolean bareFirst = (k + run) % 2 == 0;
      for (int j = 0; j < 2; j++) {
        int i = bareFirst ? j : 1 - j;
        Client c = pair.get(i);
        long seen0 = c.certSerial() == null ? 0 : c.server().seen(protocol, c.certSerial());
        long sessions0 = c.certSerial() == null ? 0 : c.server().sessions(protocol, c.certSerial());
        if (open) {
          openSlice(c.target(), acc[i]);
        } else {
          closedSlice(c.target(), acc[i], "bench-caller-" + variant + "-" + protocol + "-" + c.name() + "-");
        }
        if (c.certSerial() != null) {
          acc[i].serverSeen += c.server().seen(protocol, c.certSerial()) - seen0;
          acc[i].serverSessions += c.server().sessions(protocol, c.certSerial()) - sessions0;
        }
      }
    }
    if (out == null) {
      return;
    }
    for (int i = 0; i < 2; i++) {
      Client c = pair.get(i);
      Acc a = acc[i];
      String k = variant + "." + protocol + (open ? ".open." : ".closed.") + c.name() + ".";
      if (open) {
        out.add(k + "p50", a.micros(50));
        out.add(k + "p99", a.micros(99));
        out.add(k + "p999", a.micros(99.9));
      } else {
        out.add(k + "rps", a.rps());
        out.add(k + "p50", a.micros(50));
      }
      out.add(k + "cpu", a.cpuMicrosPerRequest());
      out.add(k + "kb", a.kbPerRequest());
      out.add(k + "gc", a.gcCount);
      out.add(k + "gcms", a.gcMillis);
      if (!Double.isNaN(a.stealPercent())) {
        out.add(k + "steal", a.stealPercent());
      }
      if (a.jitMillis >= 0) {
        out.add(k + "jit", a.jitMillis);
      }
      out.add(k + "errors", a.errors);
      if (c.certSerial() != null) {
        out.add(k + "tls", a.tlsVerified());
        out.add(k + "sessions", a.serverSessions);
      }
      System.err.printf("run %d %s %s %s %s: %s p50 %.0f µs p99 %.0f µs, cpu %.1f µs/req, %.2f KB/req, "
              + "GC %d pauses %d ms, JIT %d ms, steal %.1f%%, errors %d, %d requests in %d slices (%.1f s)%s%n", run + 1, variant, protocol,
          open ? "open  " : "closed", c.name(), open ? "" : String.format("%.0f rps", a.rps()), a.micros(50),
          a.micros(99), a.cpuMicrosPerRequest(), a.kbPerRequest(), a.gcCount, a.gcMillis, a.jitMillis, a.stealPercent(), a.errors, a.requests,
          a.slices, a.nanos / 1e9,
          c.certSerial() == null ? "" : String.format(", server saw %d with its certificate (%.3f of successful) "
              + "over %d new TLS sessions", a.serverSeen, a.tlsVerified(), a.serverSessions));
      if (c.certSerial() != null && a.serverSeen != a.requests - a.errors) {
        System.err.printf("WARNING: %s %s %s: the TLS server counted %d calls with the client's certificate, the "
            + "client %d successful ones; server peers: %s%n", variant, protocol, c.name(), a.serverSeen,
            a.requests - a.errors, c.server().peers(protocol));
      }
    }
  }

  /**
   * One open-loop slice: {@code rate × sliceMs} calls, each started asynchronously at its intended
   * time (or at once when the scheduler is late), latency from the intended start to completion;
   * then every call of the slice is waited for (bounded: 30 s, the rest counted as errors) before
   * CPU, GC and allocation are read and the slice ends.
   */
  private void openSlice(Target t, Acc acc) throws InterruptedException {
    long total = Math.max(1, (long) settings.rate() * settings.sliceMs() / 1000);
    long period = TimeUnit.SECONDS.toNanos(1) / settings.rate();
    Recorder recorder = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    Usage.Snapshot s0 = Usage.take();
    long t0 = System.nanoTime();
    long start = t0 + TimeUnit.MILLISECONDS.toNanos(1);
    for (long i = 0; i < total; i++) {
      long intended = start + i * period;
      long wait;
      while ((wait = intended - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      t.callAsync(failure -> {
        recorder.recordValue(Math.max(0, System.nanoTime() - intended));
        if (failure != null) {
          errors.incrementAndGet();
        }
        done.incrementAndGet();
      });
    }
    long deadline = System.nanoTime() + DRAIN_NANOS;
    while (done.get() < total && System.nanoTime() < deadline) {
      LockSupport.parkNanos(50_000);
    }
    long t1 = System.nanoTime();
    Usage.Snapshot s1 = Usage.take();
    long finished = done.get();
    Histogram h = recorder.getIntervalHistogram();
    acc.add(h, finished, errors.get() + (total - finished), t1 - t0, s0, s1, Usage.allocated(s0, s1, Set.of()));
    logSlice("open", t, h, t1 - t0, s0, s1);
  }

  private void logSlice(String phase, Target t, Histogram h, long nanos, Usage.Snapshot s0, Usage.Snapshot s1) {
    if (settings.sliceLog()) {
      System.err.printf("  slice %s %-4s: %d calls in %.0f ms, p50 %.0f µs p99 %.0f µs max %.0f µs, GC %d (%d ms)%n",
          phase, t.name(), h.getTotalCount(), nanos / 1e6, h.getValueAtPercentile(50) / 1e3,
          h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, s1.gcCount() - s0.gcCount(),
          s1.gcMillis() - s0.gcMillis());
    }
  }

  /**
   * One closed-loop slice: {@code concurrency} new caller threads calling back to back (blocking)
   * for {@code sliceMs}; each adds its own allocated bytes before it ends (their counters go with
   * them), the other threads' bytes come from the snapshots.
   */
  private void closedSlice(Target t, Acc acc, String threadPrefix) throws InterruptedException {
    Recorder recorder = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong callerBytes = new AtomicLong();
    Usage.Snapshot s0 = Usage.take();
    long start = System.nanoTime();
    long end = start + TimeUnit.MILLISECONDS.toNanos(settings.sliceMs());
    List<Thread> callers = new ArrayList<>();
    Set<Long> callerIds = new HashSet<>();
    for (int i = 0; i < settings.concurrency(); i++) {
      Thread c = new Thread(() -> {
        long now;
        while ((now = System.nanoTime()) < end) {
          try {
            t.call();
          } catch (Exception e) {
            errors.incrementAndGet();
          }
          recorder.recordValue(System.nanoTime() - now);
          done.incrementAndGet();
        }
        callerBytes.addAndGet(Usage.THREADS.getCurrentThreadAllocatedBytes());
      }, threadPrefix + i);
      c.setDaemon(true);
      callers.add(c);
      callerIds.add(c.getId());
      c.start();
    }
    long joinUntil = end + DRAIN_NANOS;
    for (Thread c : callers) {
      c.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinUntil - System.nanoTime())));
      if (c.isAlive()) {
        c.interrupt(); // a call stuck past its 10 s deadline; counted below
        errors.incrementAndGet();
      }
    }
    long stop = System.nanoTime();
    Usage.Snapshot s1 = Usage.take();
    Histogram h = recorder.getIntervalHistogram();
    acc.add(h, done.get(), errors.get(), stop - start, s0, s1, Usage.allocated(s0, s1, callerIds) + callerBytes.get());
    logSlice("closed", t, h, stop - start, s0, s1);
  }

  @Override
  public void close() {
    clients.values().forEach(m -> m.values().forEach(l -> l.forEach(c -> c.target().close())));
    mesh.close();
    otel.close();
    if (bareIdentity != null) {
      bareIdentity.close();
    }
    if (tlsServers != null) {
      tlsServers.close();
    }
    if (serverIdentity != null) {
      serverIdentity.close();
    }
    cp.close();
    plainServers.close();
  }
}
