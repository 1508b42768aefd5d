package dev.meshwork.core.telemetry;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.identity.SpiffeId;
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
import java.util.concurrent.atomic.LongAdder;

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
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, LongAdder>> outbound = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, LongAdder>> inbound = new ConcurrentHashMap<>();
  private volatile Tracer tracer;
  private static final int MEMO_LIMIT = 4096;
  private final ConcurrentHashMap<String, String> subsets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> namespaces = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Caller> callers = new ConcurrentHashMap<>();

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

  /**
   * In-flight calls, gauge {@code meshwork.requests.active} per direction, protocol and service. An
   * adder, not an AtomicLong: every call updates it twice, and once callers on different cores
   * collide the adder spreads them over cells instead of contending for one cache line; the gauge
   * sums them when read.
   */
  LongAdder active(boolean client, String protocol, String service) {
    var byProtocol = client ? outbound : inbound;
    var byService = byProtocol.get(protocol);
    if (byService == null) {
      byService = byProtocol.computeIfAbsent(protocol, p -> new ConcurrentHashMap<>());
    }
    LongAdder n = byService.get(service);
    if (n == null) {
      n = byService.computeIfAbsent(service, k -> {
        LongAdder v = new LongAdder();
        Gauge.builder("meshwork.requests.active", v, LongAdder::sum)
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
    if (dot < 0) {
      return settings.namespace();
    }
    return memo(namespaces, service, MeshTelemetry::fqdnNamespace);
  }

  /** {@code ns} of {@code svc.ns[.svc.cluster.local]}. */
  private static String fqdnNamespace(String service) {
    int dot = service.indexOf('.');
    int next = service.indexOf('.', dot + 1);
    return next < 0 ? service.substring(dot + 1) : service.substring(dot + 1, next);
  }

  /** {@code v2} of {@code outbound|80|v2|reviews}; empty without a subset. Remembered per cluster name. */
  String subsetOf(String cluster) {
    if (cluster.isEmpty()) {
      return "";
    }
    return memo(subsets, cluster, ClientObservation::subsetOf);
  }

  /** A caller's service account and namespace as the metrics name them. */
  record Caller(String service, String namespace) {}

  private static final Caller UNKNOWN_CALLER = new Caller("unknown", "unknown");

  /**
   * The caller a peer identity names: its SPIFFE ID's service account and namespace; unknown for a
   * plaintext caller or an identity outside the mesh's naming. Remembered per identity (parsing
   * one allocates), as {@link #memo} does.
   */
  Caller callerOf(String peer) {
    if (peer == null) {
      return UNKNOWN_CALLER;
    }
    Caller c = callers.get(peer);
    if (c == null) {
      try {
        SpiffeId id = SpiffeId.parse(peer);
        c = new Caller(id.serviceAccount(), id.namespace());
      } catch (IllegalArgumentException notSpiffe) {
        c = UNKNOWN_CALLER;
      }
      if (callers.size() < MEMO_LIMIT) {
        callers.putIfAbsent(peer, c);
      }
    }
    return c;
  }

  /**
   * {@code f(key)}, computed once per key while fewer than {@link #MEMO_LIMIT} are remembered:
   * cluster and service names come from configuration, so in practice every one is remembered and
   * the per-call substring goes away; an unbounded stream of names is still served, uncached.
   */
  private static String memo(ConcurrentHashMap<String, String> cache, String key, Function<String, String> f) {
    String v = cache.get(key);
    if (v == null) {
      v = f.apply(key);
      if (cache.size() < MEMO_LIMIT) {
        cache.putIfAbsent(key, v);
      }
    }
    return v;
  }
}
