package dev.meshwork.core.internal.telemetry;

import dev.meshwork.core.telemetry.MetricNaming;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Request count and duration per finished call, under each configured naming. Meters are found
 * in a local index by the call's tag values, compared in place (building Micrometer {@code Tags},
 * which sorts, or the registry's own lookup would cost microseconds per call; even a key record per
 * call was most of what metrics allocated); tags are built only when a new combination first
 * appears. Label sets are fixed per name,
 * as Prometheus requires. Thread-safe.
 */
public final class RequestMeters {
  /** Istio's default duration buckets (ms), so its dashboards' quantiles read the same. */
  private static final double[] ISTIO_BUCKETS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
      30000, 60000, 300000, 600000, 1800000, 3600000};

  /**
   * The OpenTelemetry semantic conventions' advised boundaries for {@code http.*.request.duration}
   * (5 ms to 10 s; the advice's 0 holds no real call, and Micrometer takes positive boundaries
   * only), also used for {@code rpc.*.duration}. Micrometer's percentile histogram would publish
   * ~70 buckets per series instead of 14, each a Prometheus sample.
   */
  private static final Duration[] OTEL_BUCKETS = Stream.of(5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000,
      7500, 10000).map(Duration::ofMillis).toArray(Duration[]::new);

  private final MeterRegistry registry;
  private final boolean otel;
  private final boolean istio;
  private final boolean endpointTags;
  private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();
  /**
   * The combinations seen so far, open-addressed by {@link #hash}, compared field by field: found
   * per call without building a key (a 16-field record per call was most of what metrics
   * allocated). Copy-on-write under {@link #meters}' creation lock, so reads take no lock; a new
   * combination costs one copy of this small table, once.
   */
  private volatile Entry[] index = new Entry[64];
  private int indexed;

  /** Every value any tag is derived from (the endpoint only when endpoint tags are on). */
  private record Key(boolean client, String protocol, String method, String code, String errorType, String source,
      String sourceNamespace, String destination, String destinationNamespace, String route, String subset,
      boolean retried, String flags, String endpoint, boolean mtls, String peer) {
    boolean matches(boolean client, String protocol, String method, String code, String errorType, String source,
        String sourceNamespace, String destination, String destinationNamespace, String route, String subset,
        boolean retried, String flags, String endpoint, boolean mtls, String peer) {
      return this.client == client && this.retried == retried && this.mtls == mtls && code.equals(this.code)
          && route.equals(this.route) && destination.equals(this.destination) && method.equals(this.method)
          && subset.equals(this.subset) && flags.equals(this.flags) && errorType.equals(this.errorType)
          && endpoint.equals(this.endpoint) && protocol.equals(this.protocol) && source.equals(this.source)
          && sourceNamespace.equals(this.sourceNamespace) && destinationNamespace.equals(this.destinationNamespace)
          && peer.equals(this.peer);
    }
  }

  private record Entry(int hash, Key key, Meters meters) {}

  /** The meters of one tag combination; null where that naming is off. */
  private record Meters(Timer timer, Counter requests, DistributionSummary duration) {}

  public RequestMeters(MeterRegistry registry, Set<MetricNaming> naming, boolean endpointTags) {
    this.registry = registry;
    this.otel = naming.contains(MetricNaming.OPENTELEMETRY);
    this.istio = naming.contains(MetricNaming.ISTIO);
    this.endpointTags = endpointTags;
  }

  /** Whether any naming is on (else {@link #record} does nothing). */
  public boolean enabled() {
    return otel || istio;
  }

  public void record(CallRecord c) {
    record(c.client(), c.protocol(), c.method(), c.code(), c.errorType(), c.source(), c.sourceNamespace(),
        c.destination(), c.destinationNamespace(), c.route(), c.subset(), c.retried(), c.flags(), c.endpoint(),
        c.mtls(), c.peer(), c.durationNanos());
  }

  /**
   * Records one finished call from its tag values (none null): allocates nothing once the
   * combination has been seen.
   *
   * @param endpoint {@code ip:port}, used only with endpoint tags on (pass {@code ""} otherwise)
   */
  public void record(boolean client, String protocol, String method, String code, String errorType, String source,
      String sourceNamespace, String destination, String destinationNamespace, String route, String subset,
      boolean retried, String flags, String endpoint, boolean mtls, String peer, long durationNanos) {
    if (!otel && !istio) {
      return;
    }
    String ep = endpointTags ? endpoint : "";
    int h = hash(client, protocol, method, code, errorType, source, destination, route, subset, retried, flags, ep,
        peer);
    Meters m = null;
    Entry[] t = index;
    int mask = t.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      Entry e = t[i];
      if (e == null) {
        break;
      }
      if (e.hash == h && e.key.matches(client, protocol, method, code, errorType, source, sourceNamespace, destination,
          destinationNamespace, route, subset, retried, flags, ep, mtls, peer)) {
        m = e.meters;
        break;
      }
    }
    if (m == null) {
      m = add(h, new Key(client, protocol, method, code, errorType, source, sourceNamespace, destination,
          destinationNamespace, route, subset, retried, flags, ep, mtls, peer));
    }
    if (m.timer() != null) {
      m.timer().record(durationNanos, TimeUnit.NANOSECONDS);
    }
    if (m.requests() != null) {
      m.requests().increment();
      m.duration().record(durationNanos / 1e6);
    }
  }

  /** A combination not in the index yet: its meters (created once), then a new index that has it. */
  private synchronized Meters add(int h, Key k) {
    Meters m = meters.computeIfAbsent(k, key -> create(new CallRecord(key.client(), key.protocol(), key.source(),
        key.sourceNamespace(), key.destination(), key.destinationNamespace(), key.method(), "", key.route(), "",
        key.subset(), key.endpoint(), key.retried() ? 2 : 1, key.code(), key.flags(), key.errorType(), key.mtls(),
        key.peer(), 0, "")));
    Entry[] t = index;
    for (Entry e : t) {
      if (e != null && e.key.equals(k)) {
        return e.meters; // another thread indexed it first
      }
    }
    int n = indexed + 1;
    Entry[] next = t.length < n * 2 ? new Entry[t.length * 2] : t.clone();
    if (next.length != t.length) {
      for (Entry e : t) {
        if (e != null) {
          put(next, e);
        }
      }
    }
    put(next, new Entry(h, k, m));
    indexed = n;
    index = next;
    return m;
  }

  private static void put(Entry[] t, Entry e) {
    int mask = t.length - 1;
    int i = e.hash & mask;
    while (t[i] != null) {
      i = (i + 1) & mask;
    }
    t[i] = e;
  }

  /** Over the values that vary between calls (the rest are compared on a match). Strings cache their hash. */
  private static int hash(boolean client, String protocol, String method, String code, String errorType,
      String source, String destination, String route, String subset, boolean retried, String flags,
      String endpoint, String peer) {
    int h = client ? 1 : 2;
    h = h * 31 + protocol.hashCode();
    h = h * 31 + method.hashCode();
    h = h * 31 + code.hashCode();
    h = h * 31 + errorType.hashCode();
    h = h * 31 + source.hashCode();
    h = h * 31 + destination.hashCode();
    h = h * 31 + route.hashCode();
    h = h * 31 + subset.hashCode();
    h = h * 31 + (retried ? 1 : 0);
    h = h * 31 + flags.hashCode();
    h = h * 31 + endpoint.hashCode();
    h = h * 31 + peer.hashCode();
    return h ^ (h >>> 16);
  }

  private Meters create(CallRecord c) {
    Timer timer = otel ? Timer.builder(otelName(c)).tags(otelTags(c)).serviceLevelObjectives(OTEL_BUCKETS).register(registry)
        : null;
    if (!istio) {
      return new Meters(timer, null, null);
    }
    Tags t = istioTags(c);
    return new Meters(timer, Counter.builder("istio.requests").tags(t).register(registry),
        DistributionSummary.builder("istio.request.duration").baseUnit("milliseconds").tags(t)
            .serviceLevelObjectives(ISTIO_BUCKETS).register(registry));
  }

  private static String otelName(CallRecord c) {
    return (c.grpc() ? "rpc." : "http.") + (c.client() ? "client" : "server") + (c.grpc() ? ".duration" : ".request.duration");
  }

  private Tags otelTags(CallRecord c) {
    Tags t;
    if (c.grpc()) {
      int slash = c.method().lastIndexOf('/');
      t = Tags.of("rpc.system", "grpc", "rpc.service", slash < 0 ? c.method() : c.method().substring(0, slash),
          "rpc.method", slash < 0 ? "" : c.method().substring(slash + 1), "rpc.grpc.status_code", c.code());
    } else {
      t = Tags.of("http.request.method", c.method(), "http.response.status_code", c.code());
    }
    t = t.and("error.type", c.errorType(), "mesh.source", c.source(), "mesh.destination", c.destination(),
        "mesh.route", c.route(), "mesh.subset", c.subset(), "mesh.retried", Boolean.toString(c.retried()),
        "mesh.response_flags", c.flags());
    return endpointTags ? t.and("mesh.endpoint", c.endpoint()) : t;
  }

  private Tags istioTags(CallRecord c) {
    String service = c.destination().contains(".") ? c.destination()
        : c.destination() + "." + c.destinationNamespace() + ".svc.cluster.local";
    String responseCode = c.grpc() ? (c.errorType().isEmpty() ? "200" : "0") : localReplyCode(c.code(), c.flags());
    Tags t = Tags.of(
        "reporter", c.client() ? "source" : "destination",
        "source_workload", c.source(), "source_workload_namespace", c.sourceNamespace(), "source_app", c.source(),
        "source_version", "unknown", "source_principal", c.client() ? "unknown" : or(c.peer()),
        "destination_workload", c.client() ? "unknown" : c.destination(),
        "destination_workload_namespace", c.destinationNamespace(), "destination_app", c.destination(),
        "destination_version", c.subset().isEmpty() ? "unknown" : c.subset(), "destination_service", service,
        "destination_service_name", c.destination(), "destination_service_namespace", c.destinationNamespace(),
        "request_protocol", c.protocol(), "response_code", responseCode,
        "grpc_response_status", c.grpc() ? c.code() : "", "response_flags", c.flags(),
        "connection_security_policy", c.client() ? "unknown" : c.mtls() ? "mutual_tls" : "none");
    return endpointTags ? t.and("destination_endpoint", c.endpoint()) : t;
  }

  /**
   * A call the mesh refused never had an HTTP status; Envoy would have answered the application with
   * a local reply, and Istio's dashboards count that code: 404 for NR, 429 for RL, 504 for UT,
   * 503 for the other flags, whatever else is set with them ({@code UT,DI} is 504). Without a flag,
   * or with {@code DC} (the caller left, so nothing was answered), the code stays as it is
   * ({@code 0}: no response).
   */
  static String localReplyCode(String code, String flags) {
    if (!code.equals("0") || flags.equals("-") || has(flags, "DC")) {
      return code;
    }
    return has(flags, "NR") ? "404" : has(flags, "RL") ? "429" : has(flags, "UT") ? "504" : "503";
  }

  /** Whether the comma-separated {@code flags} include {@code flag} (only when a meter is created). */
  private static boolean has(String flags, String flag) {
    return ("," + flags + ",").contains("," + flag + ",");
  }

  private static String or(String s) {
    return s == null || s.isEmpty() ? "unknown" : s;
  }
}
