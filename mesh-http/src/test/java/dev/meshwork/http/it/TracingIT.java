package dev.meshwork.http.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.meshwork.core.MeshRegistration;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.telemetry.ServerObservation;
import dev.meshwork.core.telemetry.TelemetryOptions;
import dev.meshwork.grpc.MeshChannels;
import dev.meshwork.grpc.MeshServers;
import dev.meshwork.http.MeshHttp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "telemetry" test 1: productpage → reviews (HTTP) → ratings (gRPC), where the first attempt
 * to reviews fails and is retried, makes one trace in the OpenTelemetry SDK's in-memory exporter:
 * productpage's logical CLIENT span with two attempt spans under it, a reviews SERVER span under
 * each attempt, and under the second one reviews' gRPC call (logical and attempt CLIENT spans)
 * with ratings' SERVER span under its attempt. Every process is real: the control plane, an HTTP
 * server instrumented with mesh-core's server observation, a grpc-xds server and client.
 */
class TracingIT {
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("meshwork.attempt");
  private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Headers carrier, String key) {
      return carrier == null ? null : carrier.getFirst(key);
    }
  };

  @TempDir Path tmp;

  @Test
  void retriedHttpCallThenGrpc_isOneTrace_withAttemptAndServerSpansLinkedParentToChild() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    MeshOptions options = MeshOptions.DEFAULTS.withTelemetry(TelemetryOptions.DEFAULTS.withOpenTelemetry(otel));
    try (HttpMesh mesh = new HttpMesh(tmp);
         Mesh productpage = Mesh.start(settings(mesh, "productpage"), options);
         Mesh reviews = Mesh.start(settings(mesh, "reviews"), options);
         Mesh ratings = Mesh.start(settings(mesh, "ratings"), options)) {
      mesh.apply("reviews.yaml", """
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata:
            name: reviews
          spec:
            hosts: [reviews]
            http:
            - route:
              - destination: {host: reviews}
              retries: {attempts: 2, retryOn: 5xx}
          """);
      Server ratingsServer = ratingsServer(ratings);
      ManagedChannel toRatings = MeshChannels.forService(reviews, "ratings");
      HttpServer reviewsServer = reviewsServer(reviews, toRatings);
      try (MeshRegistration r1 = MeshRegistration.register(ratings.settings(), "127.0.0.1", ratingsServer.getPort(),
               Map.of(), Duration.ofSeconds(10));
           MeshRegistration r2 = MeshRegistration.register(reviews.settings(), "127.0.0.1",
               reviewsServer.getAddress().getPort(), Map.of(), Duration.ofSeconds(10));
           MeshHttp http = MeshHttp.using(productpage)) {
        // Warm up ratings' route from reviews, then forget those spans: the traced call is the next one.
        HttpMesh.await("reviews -> ratings ready", () -> whoOrNull(toRatings) != null, 15_000);
        spans.reset();
        FAIL_NEXT.set(1);

        try (Response r = http.client().newCall(new Request.Builder().url("http://reviews/reviews/1").build()).execute()) {
          assertEquals(200, r.code());
          assertEquals("reviews: ratings", r.body().string());
        }
        // The traced call's trace, from its root (the logical client span, ended before execute()
        // returned). A warm-up call's server span may still end after the reset above: it belongs
        // to another trace and is left out; a span of this call that lost its trace would leave
        // this trace short of 8.
        String traceId = only(spans.getFinishedSpanItems(), s -> s.getKind() == SpanKind.CLIENT
            && s.getName().equals("GET") && !s.getParentSpanContext().isValid()).getTraceId();
        HttpMesh.await("all 8 spans exported", () -> spans.getFinishedSpanItems().stream()
            .filter(s -> s.getTraceId().equals(traceId)).count() >= 8, 15_000);
        List<SpanData> exported = spans.getFinishedSpanItems();
        List<SpanData> all = exported.stream().filter(s -> s.getTraceId().equals(traceId)).toList();
        assertEquals(8, all.size(), "one trace of 8 spans: " + describe(exported));
        assertTrue(exported.stream().filter(s -> !s.getTraceId().equals(traceId))
            .allMatch(s -> s.getName().equals("meshwork.test.Echo/Who")),
            "only the warm-up's late gRPC spans may be outside the trace: " + describe(exported));

        SpanData call = only(all, s -> s.getKind() == SpanKind.CLIENT && s.getName().equals("GET")
            && !s.getAttributes().asMap().containsKey(ATTEMPT));
        List<SpanData> attempts = children(all, call).stream().sorted((a, b) -> Long.compare(
            a.getAttributes().get(ATTEMPT), b.getAttributes().get(ATTEMPT))).toList();
        assertEquals(2, attempts.size(), "two attempts under the logical call: " + describe(all));
        assertEquals(503L, attempts.get(0).getAttributes().get(HTTP_STATUS));
        assertEquals(200L, attempts.get(1).getAttributes().get(HTTP_STATUS));
        assertEquals(1L, attempts.get(1).getAttributes().get(AttributeKey.longKey("http.request.resend_count")));
        assertEquals("outbound|80||reviews", attempts.get(1).getAttributes().get(AttributeKey.stringKey("meshwork.cluster")));

        SpanData failedServer = only(children(all, attempts.get(0)), s -> s.getKind() == SpanKind.SERVER);
        SpanData okServer = only(children(all, attempts.get(1)), s -> s.getKind() == SpanKind.SERVER);
        assertEquals(503L, failedServer.getAttributes().get(HTTP_STATUS));
        assertEquals(200L, okServer.getAttributes().get(HTTP_STATUS));

        SpanData grpcCall = only(children(all, okServer), s -> s.getKind() == SpanKind.CLIENT);
        assertEquals("meshwork.test.Echo/Who", grpcCall.getName());
        SpanData grpcAttempt = only(children(all, grpcCall), s -> s.getKind() == SpanKind.CLIENT);
        SpanData ratingsSpan = only(children(all, grpcAttempt), s -> s.getKind() == SpanKind.SERVER);
        assertEquals("grpc", ratingsSpan.getAttributes().get(AttributeKey.stringKey("rpc.system")));
      } finally {
        toRatings.shutdownNow();
        reviewsServer.stop(0);
        ratingsServer.shutdownNow();
      }
    }
  }

  private static final AtomicInteger FAIL_NEXT = new AtomicInteger();
  private static final io.grpc.MethodDescriptor<String, String> WHO = io.grpc.MethodDescriptor.<String, String>newBuilder()
      .setType(io.grpc.MethodDescriptor.MethodType.UNARY).setFullMethodName("meshwork.test.Echo/Who")
      .setRequestMarshaller(new SecureMesh.Utf8()).setResponseMarshaller(new SecureMesh.Utf8()).build();

  private static String who(io.grpc.Channel ch) {
    return io.grpc.stub.ClientCalls.blockingUnaryCall(ch, WHO,
        io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS), "hi");
  }

  private static String whoOrNull(io.grpc.Channel ch) {
    try {
      return who(ch);
    } catch (io.grpc.StatusRuntimeException e) {
      return null;
    }
  }

  private static MeshSettings settings(HttpMesh mesh, String service) {
    return MeshSettings.builder().controlPlane(mesh.cp.xdsTarget()).service(service).build();
  }

  /** reviews: fails while FAIL_NEXT is positive, otherwise asks ratings (in the server span's context). */
  private static HttpServer reviewsServer(Mesh reviews, ManagedChannel toRatings) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      ServerObservation in = reviews.telemetry().startServer("http", exchange.getRequestMethod(),
          exchange.getRequestURI().toString(), exchange.getRequestHeaders(), HEADERS, null);
      int status = 200;
      String body;
      try (Scope ignored = in.context().makeCurrent()) {
        if (FAIL_NEXT.getAndDecrement() > 0) {
          status = 503;
          body = "try again";
        } else {
          body = "reviews: " + who(toRatings);
        }
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
      in.end(Integer.toString(status), null);
    });
    server.start();
    return server;
  }

  private static Server ratingsServer(Mesh ratings) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ServerServiceDefinition def = ServerServiceDefinition.builder("meshwork.test.Echo")
        .addMethod(WHO, ServerCalls.asyncUnaryCall((req, out) -> {
              out.onNext("ratings");
              out.onCompleted();
            }))
        .build();
    return MeshServers.forPort(ratings, port, Map.of("app", "ratings")).addService(def).build().start();
  }

  private static List<SpanData> children(List<SpanData> all, SpanData parent) {
    return all.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())).toList();
  }

  private static SpanData only(List<SpanData> spans, java.util.function.Predicate<SpanData> p) {
    List<SpanData> match = spans.stream().filter(p).toList();
    assertTrue(match.size() == 1, "expected exactly one matching span, got " + match.size() + ": " + describe(spans));
    return match.get(0);
  }

  private static String describe(List<SpanData> spans) {
    return spans.stream().map(s -> s.getKind() + " " + s.getName() + " " + s.getSpanId() + "<-" + s.getParentSpanId()
        + " " + s.getAttributes()).collect(Collectors.joining("\n  ", "\n  ", ""));
  }
}
