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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One blocking call at a time, bare client vs mesh client, against the load harness's loopback
 * servers and config (1 KiB responses): what the mesh adds to a whole client call, I/O included.
 * The servers run in this JVM, so {@code gc.alloc.rate.norm} counts their allocation too; it is
 * the same for both clients, so the difference between {@code bare} and {@code mesh} is the mesh's.
 * Time per call is dominated by loopback I/O and thread hand-offs and is noisy on small machines;
 * the allocation difference is exact.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dsun.net.httpserver.nodelay=true"})
public class ClientOverheadBenchmark {
  /** {@code http} (OkHttp) or {@code grpc}. */
  @Param({"http", "grpc"})
  public String protocol;

  /** {@code bare} or {@code mesh}. */
  @Param({"bare", "mesh"})
  public String client;

  /** Mesh telemetry: {@code on} (metrics, spans sampled out) or {@code off}; ignored for bare. */
  @Param({"on"})
  public String telemetry;

  private Servers servers;
  private BenchMesh cp;
  private OpenTelemetrySdk otel;
  private Mesh mesh;
  private Target target;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    servers = new Servers();
    if (client.equals("bare")) {
      target = protocol.equals("http")
          ? new HttpTarget("bare", HttpTarget.builder().build(), "http://127.0.0.1:" + servers.httpPort() + "/bench")
          : new GrpcTarget("bare", Grpc.newChannelBuilderForAddress("127.0.0.1", servers.grpcPort(),
              InsecureChannelCredentials.create()).build());
    } else {
      cp = new BenchMesh();
      cp.apply("bench.yaml", LoadHarness.serviceYaml("bench", servers.httpPort(), servers.grpcPort(), null));
      otel = PerRequestBenchmark.sampledOut();
      mesh = Mesh.start(cp.settings("bench-client"), MeshOptions.DEFAULTS.withMeterRegistry(new SimpleMeterRegistry())
          .withTelemetry(telemetry.equals("off") ? TelemetryOptions.DISABLED
              : TelemetryOptions.DEFAULTS.withOpenTelemetry(otel)));
      target = protocol.equals("http")
          ? new HttpTarget("mesh", MeshHttp.using(mesh).install(HttpTarget.builder()), "http://bench:8080/bench")
          : new GrpcTarget("mesh", MeshChannels.forService(mesh, "bench:9090"));
    }
    if (target instanceof GrpcTarget g) {
      g.awaitReady();
    } else {
      awaitHttp();
    }
  }

  /** The mesh client's first calls may precede its config; retry for a bounded time. */
  private void awaitHttp() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        target.call();
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    target.close();
    if (mesh != null) {
      mesh.close();
      otel.close();
      cp.close();
    }
    servers.close();
  }

  @Benchmark
  public void call() throws Exception {
    target.call();
  }
}
