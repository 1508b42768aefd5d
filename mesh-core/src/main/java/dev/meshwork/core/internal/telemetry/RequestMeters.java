package dev.meshwork.core.internal.telemetry;

import dev.meshwork.core.telemetry.MetricNaming;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request count and duration per finished call, under each configured naming. Meters are found
 * in a local map by a flat key of the call's tag values (one small record per call; building
 * Micrometer {@code Tags}, which sorts, or the registry's own lookup would cost microseconds per
 * call); tags are built only when a new combination first appears. Label sets are fixed per name,
 * as Prometheus requires. Thread-safe.
 */
public final class RequestMeters {
  /** Istio's default duration buckets (ms), so its dashboards' quantiles read the same. */
  private static final double[] ISTIO_BUCKETS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
      30000, 60000, 300000, 600000, 1800000, 3600000};

  private final MeterRegistry registry;
  private final boolean otel;
  private final boolean istio;
  private final boolean endpointTags;
  private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();

  /** Every value any tag is derived from (the endpoint only when endpoint tags are on). */
  private record Key(boolean client, String protocol, String method, String code, String errorType, String source,
      String sourceNamespace, String destination, String destinationNamespace, String route, String subset,
      boolean retried, String flags, String endpoint, boolean mtls, String peer) {}

  /** The meters of one tag combination; null where that naming is off. */
  private record Meters(Timer timer, Counter requests, DistributionSummary duration) {}

  public RequestMeters(MeterRegistry registry, Set<MetricNaming> naming, boolean endpointTags) {
    this.registry = registry;
    this.otel = naming.contains(MetricNaming.OPENTELEMETRY);
    this.istio = naming.contains(MetricNaming.ISTIO);
    this.endpointTags = endpointTags;
  }

  public void record(CallRecord c) {
    if (!otel && !istio) {
      return;
    }
    Key key = new Key(c.client(), c.protocol(), c.method(), c.code(), c.errorType(), c.source(), c.sourceNamespace(),
        c.destination(), c.destinationNamespace(), c.route(), c.subset(), c.retried(), c.flags(),
        endpointTags ? c.endpoint() : "", c.mtls(), c.peer());
    Meters m = meters.get(key);
    if (m == null) {
      m = meters.computeIfAbsent(key, k -> create(c));
    }
    if (m.timer() != null) {
      m.timer().record(c.durationNanos(), TimeUnit.NANOSECONDS);
    }
    if (m.requests() != null) {
      m.requests().increment();
      m.duration().record(c.durationNanos() / 1e6);
    }
  }

  private Meters create(CallRecord c) {
    Timer timer = otel ? Timer.builder(otelName(c)).tags(otelTags(c)).publishPercentileHistogram().register(registry)
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
   * 503 for the other flags. Without a flag the code stays as it is ({@code 0}: no response).
   */
  static String localReplyCode(String code, String flags) {
    if (!code.equals("0") || flags.equals("-")) {
      return code;
    }
    return switch (flags) {
      case "NR" -> "404";
      case "RL" -> "429";
      case "UT" -> "504";
      default -> "503";
    };
  }

  private static String or(String s) {
    return s == null || s.isEmpty() ? "unknown" : s;
  }
}
