package dev.meshwork.controlplane.internal.metrics;

import dev.meshwork.controlplane.ConfigStatus;
import dev.meshwork.controlplane.internal.xds.ClientTracker;
import dev.meshwork.controlplane.internal.xds.XdsEvents;
import dev.meshwork.controlplane.internal.xds.XdsSnapshot;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The control plane's meters ({@code meshwork.cp.*}), kept in a Prometheus registry of its own
 * (several control planes may share a JVM) and, when the application gives one, in its registry
 * too. Listens to xDS stream events for the ACK/NACK/response counters and push convergence.
 * Thread-safe.
 */
public final class ControlPlaneMetrics implements XdsEvents, AutoCloseable {
  /** The Prometheus text exposition format this registry is scraped in. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final Duration PUSH_TIMEOUT = Duration.ofSeconds(30);
  private static final Map<ResourceType, String> TYPE_URLS = Map.of(
      ResourceType.LISTENER, Resources.V3.LISTENER_TYPE_URL,
      ResourceType.ROUTE, Resources.V3.ROUTE_TYPE_URL,
      ResourceType.CLUSTER, Resources.V3.CLUSTER_TYPE_URL,
      ResourceType.ENDPOINT, Resources.V3.ENDPOINT_TYPE_URL);

  private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MeterRegistry application;
  private final MeterRegistry registry;
  private final PushConvergence convergence;
  private final Timer pushLatency;
  private final Counter pushTimeouts;
  private final Counter pushesNacked;
  // Per stream event counters by type URL (and protocol): looked up without building a meter id.
  private final Map<String, Counter> responses = new ConcurrentHashMap<>();
  private final Map<String, Counter> acks = new ConcurrentHashMap<>();
  private final Map<String, Counter> nacks = new ConcurrentHashMap<>();

  /**
   * @param application the application's registry to register in as well, or null
   * @param nanoClock time source for push latency
   */
  public ControlPlaneMetrics(MeterRegistry application, LongSupplier nanoClock) {
    this.application = application;
    if (application == null) {
      this.registry = prometheus;
    } else {
      CompositeMeterRegistry composite = new CompositeMeterRegistry();
      composite.add(prometheus);
      composite.add(application);
      this.registry = composite;
    }
    this.pushLatency = Timer.builder("meshwork.cp.push.latency")
        .description("Time from a snapshot being published until every client sent a changed type answered it")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(PUSH_TIMEOUT)
        .register(registry);
    this.pushTimeouts = Counter.builder("meshwork.cp.push.timeouts")
        .description("Pushes some client did not answer within " + PUSH_TIMEOUT.toSeconds() + " s")
        .register(registry);
    this.pushesNacked = Counter.builder("meshwork.cp.push.nacked")
        .description("Converged pushes that at least one client NACKed")
        .register(registry);
    this.convergence = new PushConvergence(nanoClock, PUSH_TIMEOUT.toNanos(), new PushConvergence.Outcome() {
      @Override
      public void converged(long nanos, boolean nacked) {
        pushLatency.record(nanos, TimeUnit.NANOSECONDS);
        if (nacked) {
          pushesNacked.increment();
        }
      }

      @Override
      public void timedOut() {
        pushTimeouts.increment();
      }
    });
  }

  /** Where to register meters: this control plane's registry (and the application's, if any). */
  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of this control plane's meters ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return prometheus.scrape(CONTENT_TYPE);
  }

  /** Registers the gauges: open xDS streams, live instances, served config version and errors. */
  public void registerGauges(ClientTracker tracker, IntSupplier instances, Supplier<ConfigStatus> status) {
    gauge("meshwork.cp.xds.clients", "Open xDS streams", tracker::connectedClients);
    gauge("meshwork.cp.registry.instances", "Registered live instances", instances::getAsInt);
    gauge("meshwork.cp.config.version", "Version of the config being served (0: none applied)",
        () -> status.get().version());
    gauge("meshwork.cp.config.errors", "Errors of the last rejected config change, 0 once a change applies",
        () -> status.get().errors().size());
  }

  private void gauge(String name, String description, Supplier<Number> value) {
    // Held strongly: the control plane owns what they read.
    Gauge.builder(name, value).description(description).strongReference(true).register(registry);
  }

  /** Counts a config reload by outcome: {@code applied} or {@code rejected}. */
  public void configReload(String result) {
    Counter.builder("meshwork.cp.config.reloads").description("Config change sets applied or rejected")
        .tag("result", result).register(registry).increment();
  }

  /**
   * Starts following a push from {@code previous} to {@code next}; the caller publishes {@code
   * next}, then seals the returned push. Also counts it by {@code trigger}.
   */
  public PushConvergence.Push beginPush(XdsSnapshot previous, XdsSnapshot next, ClientTracker tracker, String trigger) {
    Counter.builder("meshwork.cp.pushes").description("Snapshots published to the xDS cache")
        .tag("trigger", trigger).register(registry).increment();
    Map<String, String> versions = new HashMap<>();
    Set<String> changed = new HashSet<>();
    Map<String, List<Long>> expected = new HashMap<>();
    TYPE_URLS.forEach((type, url) -> {
      String v = next.type(type).version();
      versions.put(url, v);
      if (previous == null || !previous.type(type).version().equals(v)) {
        changed.add(url);
        expected.put(url, tracker.sotwSubscribers(url, v));
      }
    });
    return convergence.begin(versions, changed, expected, tracker::isOpen);
  }

  /** Gives up on pushes older than the timeout; called periodically. */
  public void expirePushes() {
    convergence.expire();
  }

  @Override
  public void responseSent(long streamId, String typeUrl, String version, boolean delta) {
    String protocol = delta ? "delta" : "sotw";
    responses.computeIfAbsent(protocol + " " + typeUrl, k -> Counter.builder("meshwork.cp.xds.responses")
        .description("xDS responses sent").tag("type", shortType(typeUrl)).tag("protocol", protocol).register(registry))
        .increment();
    convergence.responseSent(streamId, typeUrl, version);
  }

  @Override
  public void acked(long streamId, String typeUrl, String version) {
    acks.computeIfAbsent(typeUrl, k -> Counter.builder("meshwork.cp.xds.acks").description("xDS responses clients accepted")
        .tag("type", shortType(typeUrl)).register(registry)).increment();
    convergence.acked(streamId, typeUrl, version);
  }

  @Override
  public void nacked(long streamId, String typeUrl, String version) {
    nacks.computeIfAbsent(typeUrl, k -> Counter.builder("meshwork.cp.xds.nacks").description("xDS responses clients rejected")
        .tag("type", shortType(typeUrl)).register(registry)).increment();
    convergence.nacked(streamId, typeUrl, version);
  }

  @Override
  public void streamClosed(long streamId) {
    convergence.streamClosed(streamId);
  }

  /**
   * Removes this control plane's meters from the application's registry (they read a control
   * plane that is gone).
   */
  @Override
  public void close() {
    if (application != null) {
      for (Meter m : registry.getMeters()) {
        application.remove(m.getId());
      }
    }
    prometheus.close();
  }

  private static String shortType(String typeUrl) {
    int i = typeUrl.lastIndexOf('.');
    return i < 0 ? typeUrl : typeUrl.substring(i + 1);
  }
}
