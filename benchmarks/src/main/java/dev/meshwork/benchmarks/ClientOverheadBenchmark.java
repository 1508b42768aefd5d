package dev.meshwork.benchmarks;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.identity.IdentityOptions;
import dev.meshwork.core.identity.MeshIdentity;
import dev.meshwork.core.telemetry.TelemetryOptions;
import dev.meshwork.grpc.MeshChannels;
import dev.meshwork.http.MeshHttp;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
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
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
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

  /**
   * {@code plaintext}, or {@code mtls}: servers with a mesh-CA certificate, the mesh client through
   * a DestinationRule {@code ISTIO_MUTUAL}, the bare client with its own mesh-CA certificate (as the
   * load harness's mTLS variant).
   */
  @Param({"plaintext"})
  public String tls;

  /**
   * The route's retry policy: {@code on} (2 attempts, as the harness and Istio's default), or
   * {@code off} ({@code attempts: 0}), to show what a retry policy costs per call on gRPC, where
   * it makes grpc-java buffer every call's messages for a possible replay.
   */
  @Param({"on"})
  public String retries;

  private Servers servers;
  private MeshIdentity serverIdentity;
  private MeshIdentity bareIdentity;
  private BenchMesh cp;
  private OpenTelemetrySdk otel;
  private Mesh mesh;
  private Target target;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    boolean mtls = tls.equals("mtls");
    if (!mtls && !tls.equals("plaintext")) {
      throw new IllegalArgumentException("tls=" + tls + " (expected plaintext or mtls)");
    }
    cp = new BenchMesh(List.of(LoadHarness.CLIENT, LoadHarness.SERVER));
    String serverId = cp.identitySettings(LoadHarness.SERVER).spiffeId();
    if (mtls) {
      serverIdentity = MeshIdentity.start(cp.identitySettings(LoadHarness.SERVER), IdentityOptions.DEFAULTS);
      servers = new Servers(serverIdentity);
    } else {
      servers = new Servers();
    }
    String service = mtls ? "bench-tls" : "bench";
    if (client.equals("bare")) {
      if (protocol.equals("http")) {
        OkHttpClient.Builder b = HttpTarget.builder();
        if (mtls) {
          bareIdentity = MeshIdentity.start(cp.identitySettings(LoadHarness.CLIENT), IdentityOptions.DEFAULTS);
          b = Tls.okHttp(b, bareIdentity, serverId);
        }
        target = new HttpTarget("bare", b.build(), (mtls ? "https" : "http") + "://127.0.0.1:" + servers.httpPort()
            + "/bench");
      } else {
        ChannelCredentials credentials = InsecureChannelCredentials.create();
        if (mtls) {
          bareIdentity = MeshIdentity.start(cp.identitySettings(LoadHarness.CLIENT), IdentityOptions.DEFAULTS);
          credentials = Tls.grpc(bareIdentity, serverId);
        }
        target = new GrpcTarget("bare", Grpc.newChannelBuilderForAddress("127.0.0.1", servers.grpcPort(), credentials)
            .build());
      }
    } else {
      String yaml = LoadHarness.serviceYaml(service, servers.httpPort(), servers.grpcPort(),
          mtls ? LoadHarness.SERVER : null);
      if (retries.equals("off")) {
        String withRetries = yaml;
        yaml = yaml.replaceAll("attempts: 2\\s+retryOn: [a-z,-]+", "attempts: 0");
        if (yaml.equals(withRetries)) {
          throw new IllegalStateException("no retry policy to turn off in:\n" + yaml);
        }
      }
      cp.apply(service + ".yaml", yaml);
      otel = PerRequestBenchmark.sampledOut();
      MeshSettings settings = mtls ? cp.identitySettings(LoadHarness.CLIENT) : cp.settings(LoadHarness.CLIENT);
      mesh = Mesh.start(settings, MeshOptions.DEFAULTS.withMeterRegistry(BenchMesh.clientMeters())
          .withTelemetry(telemetry.equals("off") ? TelemetryOptions.DISABLED
              : TelemetryOptions.DEFAULTS.withOpenTelemetry(otel)));
      target = protocol.equals("http")
          ? new HttpTarget("mesh", MeshHttp.using(mesh).install(HttpTarget.builder()), "http://" + service + ":8080/bench")
          : new GrpcTarget("mesh", MeshChannels.forService(mesh, service + ":9090"));
    }
    if (target instanceof GrpcTarget g) {
      g.awaitReady();
    } else {
      Ready.await(target::call, Exception.class);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    target.close();
    if (mesh != null) {
      mesh.close();
      otel.close();
    }
    for (MeshIdentity i : new MeshIdentity[] {bareIdentity, serverIdentity}) {
      if (i != null) {
        i.close();
      }
    }
    servers.close();
    cp.close();
  }

  @Benchmark
  public void call() throws Exception {
    target.call();
  }
}
