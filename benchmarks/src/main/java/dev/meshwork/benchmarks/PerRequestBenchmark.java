package dev.meshwork.benchmarks;

import dev.meshwork.core.engine.Attempt;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.engine.MeshRejectedException;
import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.engine.Upstream;
import dev.meshwork.core.telemetry.MetricNaming;
import dev.meshwork.core.telemetry.TelemetryOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
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
 * The mesh's per-request path end to end in process: {@link Mesh#call} (route match, weighted
 * cluster, endpoint pick, retry/circuit-breaker/outlier bookkeeping, metrics, span) with an
 * {@link Attempt} that answers 200 at once (no I/O). Config comes once, at setup, from a real
 * control plane on loopback (VirtualService + DestinationRule, three registered instances).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PerRequestBenchmark {
  /**
   * {@code disabled}: TelemetryOptions.DISABLED; {@code metrics}: DEFAULTS (OpenTelemetry metric
   * names) without an OpenTelemetry SDK (the API's no-op tracer, which is also what an SDK without
   * span processors hands out); {@code otel}: DEFAULTS with an SDK that samples every span out;
   * {@code both}: as otel with Istio names too.
   */
  @Param({"disabled", "metrics", "otel", "both"})
  public String telemetry;

  /**
   * Where the meters go: {@code simple} ({@code SimpleMeterRegistry}: each histogram in three
   * time-windowed buffers, its buckets published as gauges) or {@code prometheus}
   * ({@code PrometheusMeterRegistry}: one cumulative buffer, as scraped).
   */
  @Param({"prometheus"})
  public String registry;

  static final Integer OK = 200;
  private BenchMesh cp;
  private Mesh mesh;
  private OpenTelemetrySdk otel;
  private final MeshRequest request = new FixedRequest("GET", "/reviews/1", null, Map.of());
  private final Attempt<Integer> attempt = new ImmediateAttempt();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    cp = new BenchMesh();
    cp.register("reviews", "r1", 9001, Map.of("version", "v1"));
    cp.register("reviews", "r2", 9002, Map.of("version", "v1"));
    cp.register("reviews", "r3", 9003, Map.of("version", "v2"));
    cp.apply("reviews.yaml", Configs.reviews("reviews"));
    mesh = Mesh.start(cp.settings("productpage"), options(telemetry));
    awaitRouted(mesh, "reviews", request, attempt);
  }

  private MeshOptions options(String variant) {
    MeshOptions base = MeshOptions.DEFAULTS.withMeterRegistry(registry.equals("prometheus")
        ? BenchMesh.clientMeters() : new SimpleMeterRegistry());
    if (variant.equals("disabled")) {
      return base.withTelemetry(TelemetryOptions.DISABLED);
    }
    if (variant.equals("metrics")) {
      return base.withTelemetry(TelemetryOptions.DEFAULTS.withOpenTelemetry(OpenTelemetry.noop()));
    }
    // With no span processor the SDK hands out a no-op tracer, which would not measure the SDK's
    // sampling path at all; an installed SDK has an exporter, so register one (it never sees a span).
    otel = sampledOut();
    TelemetryOptions t = TelemetryOptions.DEFAULTS.withOpenTelemetry(otel);
    if (variant.equals("both")) {
      t = t.withNaming(MetricNaming.OPENTELEMETRY, MetricNaming.ISTIO);
    }
    return base.withTelemetry(t);
  }

  /** Calls until the client has routes and endpoints for the service (bounded). */
  static <R> void awaitRouted(Mesh mesh, String host, MeshRequest request, Attempt<R> attempt) throws Exception {
    Ready.await(() -> mesh.call(host, request, attempt), MeshRejectedException.class);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    mesh.close();
    cp.close();
    if (otel != null) {
      otel.close();
    }
  }

  @Benchmark
  public Integer call() throws IOException {
    return mesh.call("reviews", request, attempt);
  }

  /** A request view over fixed values. */
  record FixedRequest(String method, String path, String query, Map<String, String> headers) implements MeshRequest {
    @Override
    public String header(String lowerCaseName) {
      return headers.get(lowerCaseName);
    }
  }

  /**
   * An OpenTelemetry SDK that samples every span out, with a span processor (without one the SDK
   * hands out a no-op tracer, and its sampling path would not be measured).
   */
  static OpenTelemetrySdk sampledOut() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.alwaysOff())
            .addSpanProcessor(SimpleSpanProcessor.create(new DiscardingExporter())).build())
        .build();
  }

  /** Exports nothing: stands in for an application's exporter (sampled-out spans never reach it). */
  static final class DiscardingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Answers 200 at once: the transport costs nothing, only the mesh is measured. */
  static final class ImmediateAttempt implements Attempt<Integer> {
    @Override
    public Integer send(Upstream upstream, Duration timeout) {
      return OK;
    }

    @Override
    public int status(Integer response) {
      return response;
    }

    @Override
    public void discard(Integer response) {}

    @Override
    public Integer synthesize(int httpStatus, String reason) {
      return httpStatus;
    }
  }
}
