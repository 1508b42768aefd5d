package dev.meshwork.benchmarks;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.telemetry.TelemetryOptions;
import dev.meshwork.http.internal.AttemptCalls;
import dev.meshwork.http.internal.MeshInterceptor;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
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
 * What mesh-http adds to an OkHttp call, without I/O: both clients end in an application
 * interceptor that answers 1 KiB at once, so the bare figure is OkHttp's own call machinery and the
 * mesh figure adds the mesh interceptor, the engine (route, pick, retry and circuit-breaker
 * bookkeeping, metrics, spans sampled out) and the attempt's rewritten request on the same client.
 * Config from a real control plane (the load harness's ServiceEntry, DestinationRule and
 * VirtualService).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class OkHttpPathBenchmark {
  /** {@code bare} or {@code mesh}. */
  @Param({"bare", "mesh"})
  public String client;

  /** Mesh telemetry: {@code on} (metrics, spans sampled out) or {@code off}. */
  @Param({"on", "off"})
  public String telemetry;

  private BenchMesh cp;
  private OpenTelemetrySdk otel;
  private Mesh mesh;
  private OkHttpClient http;
  private Request request;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    OkHttpClient raw = new OkHttpClient.Builder().addInterceptor(new Canned()).build();
    if (client.equals("bare")) {
      http = raw;
      request = new Request.Builder().url("http://127.0.0.1:8080/bench").build();
      return;
    }
    cp = new BenchMesh();
    cp.apply("bench.yaml", LoadHarness.serviceYaml("bench", 8080, 9090, null));
    otel = PerRequestBenchmark.sampledOut();
    mesh = Mesh.start(cp.settings("bench-client"), MeshOptions.DEFAULTS.withMeterRegistry(BenchMesh.clientMeters())
        .withTelemetry(telemetry.equals("off") ? TelemetryOptions.DISABLED
            : TelemetryOptions.DEFAULTS.withOpenTelemetry(otel)));
    // The mesh interceptor first, then the canned answer: attempts go through `raw`, which answers.
    OkHttpClient.Builder b = raw.newBuilder().eventListenerFactory(AttemptCalls.relaying(raw.eventListenerFactory()));
    b.interceptors().add(0, new MeshInterceptor(mesh, () -> raw));
    http = b.build(); // as MeshHttp.install builds it, with the mesh interceptor first
    request = new Request.Builder().url("http://bench:8080/bench").build();
    Ready.await(this::call, IOException.class);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (mesh != null) {
      mesh.close();
      otel.close();
      cp.close();
    }
  }

  @Benchmark
  public int call() throws IOException {
    try (Response r = http.newCall(request).execute()) {
      return r.body().bytes().length;
    }
  }

  /** Answers every request with 200 and 1 KiB, at once. */
  static final class Canned implements Interceptor {
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    @Override
    public Response intercept(Chain chain) {
      return new Response.Builder().request(chain.request()).protocol(Protocol.HTTP_1_1).code(200).message("OK")
          .body(ResponseBody.create(Servers.KIB, OCTETS)).build();
    }
  }
}
