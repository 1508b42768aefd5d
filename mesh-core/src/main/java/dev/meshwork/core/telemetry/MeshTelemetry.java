package dev.meshwork.core.telemetry;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.internal.telemetry.RequestMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Metrics, spans and access log lines for calls through the mesh, the same for every transport:
 * transports start a {@link ClientObservation} per logical outbound call (one child span per
 * attempt) and a {@link ServerObservation} per inbound call, and end them with the outcome.
 * Spans go through the OpenTelemetry API (no-op unless the application installs an SDK); W3C
 * {@code traceparent}/{@code tracestate} and {@code baggage} are always what is propagated.
 *
 * <p>Thread-safe. With {@link TelemetryOptions#DISABLED} every start returns a shared no-op
 * observation: nothing is allocated or recorded.
 */
public final class MeshTelemetry {
  /** Instrumentation scope name of Meshwork's spans. */
  public static final String SCOPE = "dev.meshwork";
  static final TextMapPropagator PROPAGATOR = TextMapPropagator.composite(
      W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

  private static final TextMapGetter<Function<String, String>> HEADER_LOOKUP = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Function<String, String> carrier) {
      return List.of(); // W3C propagators only look names up
    }

    @Override
    public String get(Function<String, String> carrier, String key) {
      return carrier == null ? null : carrier.apply(key);
    }
  };

  final MeshSettings settings;
  final TelemetryOptions options;
  final RequestMeters meters;
  private final MeterRegistry registry;
  // direction → protocol → service: looked up per call without building a key.
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, AtomicLong>> outbound = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, AtomicLong>> inbound = new ConcurrentHashMap<>();
  private volatile Tracer tracer;

  private MeshTelemetry(MeshSettings settings, TelemetryOptions options, MeterRegistry registry) {
    this.settings = settings;
    this.options = options;
    this.registry = registry;
    this.meters = new RequestMeters(registry, options.naming(), options.endpointTags());
  }

  /** Telemetry for the workload in {@code settings}, meters in {@code registry}. */
  public static MeshTelemetry create(MeshSettings settings, TelemetryOptions options, MeterRegistry registry) {
    return new MeshTelemetry(settings, options, registry);
  }

  /** Whether anything is recorded. */
  public boolean enabled() {
    return options.enabled();
  }

  /**
   * Starts a logical outbound call (its client span becomes the current context's child).
   *
   * @param protocol {@code http} or {@code grpc}
   * @param destination the called service, as the caller named it (port stripped)
   * @param method HTTP method, or gRPC full method name ({@code pkg.Service/Method})
   * @param target request path for HTTP (query string included), the full method name for gRPC
   */
  public ClientObservation startClient(String protocol, String destination, String method, String target) {
    if (!options.enabled()) {
      return ClientObservation.NOOP;
    }
    return new ClientObservation(this, protocol, destination, method, target, Context.current());
  }

  /**
   * Starts an inbound call: its server span continues the caller's trace read from {@code carrier}
   * (W3C trace context and baggage).
   *
   * @param peerPrincipal the caller's SPIFFE ID, null for a plaintext or anonymous caller
   */
  public <C> ServerObservation startServer(String protocol, String method, String target, C carrier,
      TextMapGetter<C> getter, String peerPrincipal) {
    if (!options.enabled()) {
      return ServerObservation.NOOP;
    }
    Context parent = PROPAGATOR.extract(Context.root(), carrier, getter);
    return new ServerObservation(this, protocol, method, target, parent, peerPrincipal);
  }

  /**
   * Starts an inbound HTTP call, reading the caller's trace context through a header lookup (for a
   * servlet filter: {@code request::getHeader}).
   *
   * @param header a request header's value by (case-insensitive) name, null when absent
   * @param peerPrincipal the caller's SPIFFE ID, null for a plaintext or anonymous caller
   */
  public ServerObservation startServer(String method, String target, Function<String, String> header,
      String peerPrincipal) {
    return startServer("http", method, target, header, HEADER_LOOKUP, peerPrincipal);
  }

  /** The propagator transports use: W3C trace context and baggage. */
  public TextMapPropagator propagator() {
    return PROPAGATOR;
  }

  Tracer tracer() {
    Tracer t = tracer;
    if (t == null) {
      var otel = options.openTelemetry() != null ? options.openTelemetry() : GlobalOpenTelemetry.get();
      t = otel.getTracer(SCOPE);
      tracer = t;
    }
    return t;
  }

  /** In-flight calls, gauge {@code meshwork.requests.active} per direction, protocol and service. */
  AtomicLong active(boolean client, String protocol, String service) {
    var byProtocol = client ? outbound : inbound;
    var byService = byProtocol.get(protocol);
    if (byService == null) {
      byService = byProtocol.computeIfAbsent(protocol, p -> new ConcurrentHashMap<>());
    }
    AtomicLong n = byService.get(service);
    if (n == null) {
      n = byService.computeIfAbsent(service, k -> {
        AtomicLong v = new AtomicLong();
        Gauge.builder("meshwork.requests.active", v, AtomicLong::get)
            .tags("direction", client ? "outbound" : "inbound", "protocol", protocol, "service", service)
            .register(registry);
        return v;
      });
    }
    return n;
  }

  /** The namespace a service name resolves in: its own for FQDNs, else the caller's (as in Kubernetes). */
  String namespaceOf(String service) {
    int dot = service.indexOf('.');
    if (dot > 0) {
      int next = service.indexOf('.', dot + 1);
      return next < 0 ? service.substring(dot + 1) : service.substring(dot + 1, next);
    }
    return settings.namespace();
  }
}
