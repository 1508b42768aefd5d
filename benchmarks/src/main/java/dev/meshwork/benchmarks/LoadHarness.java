package dev.meshwork.benchmarks;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.telemetry.TelemetryOptions;
import dev.meshwork.grpc.MeshChannels;
import dev.meshwork.http.MeshHttp;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Bare and mesh clients side by side in one JVM against the same loopback servers (JDK HttpServer,
 * Netty gRPC; 1 KiB responses), config from a real control plane. Per protocol and run: an
 * open-loop phase at a fixed rate (each call scheduled at its intended start time and its latency
 * counted from it, so a stalled client is charged for the calls it delays: no coordinated omission)
 * and a closed-loop phase (N callers back to back, fixed duration). Process CPU per request for each
 * phase. Bare and mesh alternate phase by phase, and which goes first alternates between runs.
 */
final class LoadHarness implements AutoCloseable {
  /** @param meshTelemetry {@code on}: metrics and tracing (sampled out); {@code off}: TelemetryOptions.DISABLED */
  record Settings(int rate, int openSeconds, int closedSeconds, int warmupSeconds, int concurrency, String meshTelemetry) {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final Settings settings;
  private final Servers servers;
  private final BenchMesh cp;
  private final OpenTelemetrySdk otel;
  private final Mesh mesh;
  private final Map<String, List<Target>> targets;

  LoadHarness(Settings settings) throws Exception {
    this.settings = settings;
    servers = new Servers();
    cp = new BenchMesh();
    cp.apply("bench.yaml", serviceYaml(servers.httpPort(), servers.grpcPort()));
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.alwaysOff()).build()).build();
    // Metrics and tracing on (spans sampled out), as an application would run.
    mesh = Mesh.start(cp.settings("bench-client"), MeshOptions.DEFAULTS.withMeterRegistry(new SimpleMeterRegistry())
        .withTelemetry(settings.meshTelemetry().equals("off") ? TelemetryOptions.DISABLED
            : TelemetryOptions.DEFAULTS.withOpenTelemetry(otel)));
    HttpTarget httpBare = new HttpTarget("bare", HttpTarget.builder().build(),
        "http://127.0.0.1:" + servers.httpPort() + "/bench");
    HttpTarget httpMesh = new HttpTarget("mesh", MeshHttp.using(mesh).install(HttpTarget.builder()),
        "http://bench:8080/bench");
    GrpcTarget grpcBare = new GrpcTarget("bare", Grpc.newChannelBuilderForAddress("127.0.0.1", servers.grpcPort(),
        InsecureChannelCredentials.create()).build());
    GrpcTarget grpcMesh = new GrpcTarget("mesh", MeshChannels.forService(mesh, "bench:9090"));
    grpcBare.awaitReady();
    grpcMesh.awaitReady();
    targets = Map.of("http", List.of(httpBare, httpMesh), "grpc", List.of(grpcBare, grpcMesh));
  }

  static String serviceYaml(int httpPort, int grpcPort) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: bench
        spec:
          hosts: [bench]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 8080, name: http, protocol: HTTP}
          - {number: 9090, name: grpc, protocol: GRPC}
          endpoints:
          - address: 127.0.0.1
            ports: {http: %d, grpc: %d}
            labels: {version: v1}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: bench
        spec:
          host: bench
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection:
              consecutive5xxErrors: 5
              interval: 10s
              baseEjectionTime: 30s
          subsets:
          - {name: v1, labels: {version: v1}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: bench
        spec:
          hosts: [bench]
          http:
          - route:
            - destination: {host: bench, subset: v1}
            retries:
              attempts: 2
              retryOn: connect-failure,reset
        """.formatted(httpPort, grpcPort);
  }

  /** Warm-up of every client, closed then open loop (JIT, connections, xDS), not recorded. */
  void warmUp() throws InterruptedException {
    int half = Math.max(1, settings.warmupSeconds() / 2);
    for (String protocol : List.of("http", "grpc")) {
      for (Target t : targets.get(protocol)) {
        closedLoop(t, half, settings.concurrency());
        openLoop(t, settings.rate(), half);
      }
    }
  }

  /** One run of every phase; {@code run} decides which client goes first. */
  void run(int run, Figures out) throws InterruptedException {
    for (String protocol : List.of("http", "grpc")) {
      List<Target> order = new ArrayList<>(targets.get(protocol));
      if (run % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      for (Target t : order) {
        Phase p = openLoop(t, settings.rate(), settings.openSeconds());
        String k = protocol + ".open." + t.name() + ".";
        out.add(k + "p50", p.micros(50));
        out.add(k + "p99", p.micros(99));
        out.add(k + "p999", p.micros(99.9));
        out.add(k + "cpu", p.cpuMicrosPerRequest());
        out.add(k + "errors", p.errors);
        System.err.printf("run %d %s open  %s: p50 %.0f µs p99 %.0f µs cpu %.1f µs/req errors %d%n", run + 1,
            protocol, t.name(), p.micros(50), p.micros(99), p.cpuMicrosPerRequest(), p.errors);
      }
      for (Target t : order) {
        Phase p = closedLoop(t, settings.closedSeconds(), settings.concurrency());
        String k = protocol + ".closed." + t.name() + ".";
        out.add(k + "rps", p.requests / p.seconds);
        out.add(k + "p50", p.micros(50));
        out.add(k + "cpu", p.cpuMicrosPerRequest());
        out.add(k + "errors", p.errors);
        System.err.printf("run %d %s closed %s: %.0f rps p50 %.0f µs cpu %.1f µs/req errors %d%n", run + 1,
            protocol, t.name(), p.requests / p.seconds, p.micros(50), p.cpuMicrosPerRequest(), p.errors);
      }
    }
  }

  /** What one phase measured. */
  record Phase(Histogram latencyNanos, long requests, long errors, double seconds, long cpuNanos) {
    double micros(double percentile) {
      return latencyNanos.getValueAtPercentile(percentile) / 1000.0;
    }

    double cpuMicrosPerRequest() {
      return requests == 0 ? Double.NaN : cpuNanos / 1000.0 / requests;
    }
  }

  /**
   * {@code rate} calls per second for {@code seconds}, each started asynchronously at its intended
   * time (or at once when the scheduler is late); latency from the intended start to completion.
   */
  static Phase openLoop(Target t, int rate, int seconds) throws InterruptedException {
    Recorder recorder = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long total = (long) rate * seconds;
    long period = TimeUnit.SECONDS.toNanos(1) / rate;
    long cpu0 = OS.getProcessCpuTime();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (done.get() < total && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long cpu = OS.getProcessCpuTime() - cpu0;
    return new Phase(recorder.getIntervalHistogram(), done.get(), errors.get() + (total - done.get()), elapsed, cpu);
  }

  /** {@code concurrency} callers back to back for {@code seconds}. */
  static Phase closedLoop(Target t, int seconds, int concurrency) throws InterruptedException {
    Recorder recorder = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long cpu0 = OS.getProcessCpuTime();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
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
      }, "caller-" + t.name() + "-" + i);
      callers.add(c);
      c.start();
    }
    for (Thread c : callers) {
      c.join(TimeUnit.SECONDS.toMillis(seconds + 30L));
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long cpu = OS.getProcessCpuTime() - cpu0;
    return new Phase(recorder.getIntervalHistogram(), done.get(), errors.get(), elapsed, cpu);
  }

  @Override
  public void close() {
    targets.values().forEach(l -> l.forEach(Target::close));
    mesh.close();
    otel.close();
    cp.close();
    servers.close();
  }
}
