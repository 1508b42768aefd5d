package dev.meshwork.core.internal.engine;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Attempt;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.engine.MeshRejectedException;
import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.model.parse.ClusterParser;
import dev.meshwork.core.internal.model.parse.EndpointsParser;
import dev.meshwork.core.internal.model.parse.ListenerParser;
import dev.meshwork.core.internal.model.parse.RouteConfigParser;
import dev.meshwork.core.internal.xds.ResourceParser;
import dev.meshwork.core.internal.xds.XdsClient;
import dev.meshwork.core.internal.xds.XdsClientConfig;
import dev.meshwork.core.internal.xds.XdsMetrics;
import dev.meshwork.core.internal.telemetry.StatusCodes;
import dev.meshwork.core.telemetry.ClientObservation;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Wiring behind {@link dev.meshwork.core.engine.Mesh}: xDS client, service and cluster tables. */
public final class MeshEngine implements AutoCloseable {
  private final MeshOptions options;
  private final String controlPlane;
  private final ExecutorService updates;
  private final XdsClient xds;
  private final ServiceTable services;
  private final ClusterTable clusters;
  private final List<io.micrometer.core.instrument.Meter> meters = new java.util.ArrayList<>();
  private final MeshMetrics metrics;
  private final XdsMetrics xdsMetrics;

  private MeshEngine(MeshSettings settings, MeshOptions options) {
    this.options = options;
    this.controlPlane = settings.controlPlane();
    this.updates = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "meshwork-mesh-" + settings.instanceId());
      t.setDaemon(true);
      return t;
    });
    Map<String, ResourceParser<?>> parsers = List.<ResourceParser<?>>of(new ListenerParser(), new RouteConfigParser(),
        new ClusterParser(), new EndpointsParser()).stream()
        .collect(Collectors.toMap(ResourceParser::typeUrl, Function.identity()));
    this.metrics = new MeshMetrics(options.meterRegistry());
    this.xdsMetrics = new XdsMetrics(options.meterRegistry(), settings.service());
    this.xds = new XdsClient(new XdsClientConfig(settings, parsers, updates, options.persistDirectory(),
        Clock.systemUTC(), null, null, null), xdsMetrics);
    this.clusters = new ClusterTable(xds, new ClusterModel.Locality(settings.region(), settings.zone(), settings.subZone()),
        options.nanoClock(), metrics);
    this.services = new ServiceTable(xds, clusters, options.nanoClock());
  }

  public static MeshEngine start(MeshSettings settings, MeshOptions options) {
    MeshEngine e = new MeshEngine(settings, options);
    e.xds.start();
    e.registerMetrics(settings);
    return e;
  }

  /** Running on a persisted config no control plane has confirmed yet: visible to monitoring. */
  private void registerMetrics(MeshSettings settings) {
    var registry = options.meterRegistry();
    meters.add(io.micrometer.core.instrument.Gauge.builder("meshwork.xds.config.stale", this,
            e -> e.staleSince().isPresent() ? 1 : 0)
        .description("1 while routing on a persisted config that no control plane has confirmed")
        .tag("service", settings.service())
        .register(registry));
    meters.add(io.micrometer.core.instrument.Gauge.builder("meshwork.xds.config.stale.seconds", this,
            e -> e.staleSince().map(t -> java.time.Duration.between(t, Instant.now()).toMillis() / 1000.0).orElse(0.0))
        .description("Age of the persisted config being routed on; 0 when the control plane confirmed it")
        .tag("service", settings.service())
        .baseUnit("seconds")
        .register(registry));
  }

  public boolean isMeshService(String host) throws IOException {
    ServiceTable.Entry e = services.entry(host);
    if (e.state != null) {
      return true;
    }
    awaitResolution(e, System.nanoTime() + options.lookupTimeout().toNanos());
    return e.state != null;
  }

  /**
   * Waits until the control plane has said whether {@code e}'s service exists, or {@code deadline}.
   * Without a control plane to answer, every call to a host the mesh has no answer for would
   * otherwise wait the whole lookup timeout, for an answer that cannot come: once the stream is
   * down, only briefly ({@link XdsClient#answerDeadline}), and before any stream was up, one caller
   * per name. Names known before keep routing.
   */
  private void awaitResolution(ServiceTable.Entry e, long deadline) throws IOException {
    if (e.resolved.isDone() || e.waitedOut && !xds.connected() && xds.downSince() == XdsClient.NEVER) {
      return;
    }
    if (Waits.await(null, e.resolved, xds.answerDeadline(deadline)) == null && !e.resolved.isDone()
        && !xds.connected()) {
      e.waitedOut = true;
    }
  }

  /** One call, observed: {@code observation} is ended here with the outcome (see {@code Mesh.call}). */
  public <R> R call(String host, MeshRequest request, Attempt<R> attempt, ClientObservation observation)
      throws IOException {
    R response;
    try {
      response = route(host, request, attempt, observation);
    } catch (IOException | RuntimeException | Error t) {
      if (observation.isRecording()) {
        String flag = ResponseFlags.of(t, observation.responseFlags());
        if (flag != null) {
          observation.flag(flag);
        }
        observation.end(StatusCodes.of(0), t);
      }
      throw t;
    }
    if (observation.isRecording()) {
      observation.end(StatusCodes.of(attempt.status(response)), null);
    }
    return response;
  }

  private <R> R route(String host, MeshRequest request, Attempt<R> attempt, ClientObservation observation)
      throws IOException {
    long lookupNanos = options.lookupTimeout().toNanos();
    // The lookup deadline is read from the clock only when something has to be waited for: a
    // known service and cluster (every call after the first) need no clock read for it.
    long deadline = CallRunner.NO_DEADLINE_YET;
    ServiceTable.Entry e = services.entry(host);
    ServiceTable.State state = e.state;
    if (state == null) {
      deadline = System.nanoTime() + lookupNanos;
      awaitResolution(e, deadline);
      state = e.state;
    }
    if (state == null) {
      throw new MeshRejectedException(MeshRejectedException.Kind.NO_ROUTE,
          "no route: " + host + " is not a service known to the control plane");
    }
    return CallRunner.run(host, state, clusters, deadline, lookupNanos, request, attempt, observation, metrics);
  }

  public boolean rateLimited(String host) {
    ServiceTable.State state = services.entry(host).state;
    return state != null && state.rateLimited();
  }

  public void admit(String host, MeshRequest request) throws MeshRejectedException {
    ServiceTable.State state = services.entry(host).state;
    if (state != null && state.rateLimited()) { // no route match per call when nothing can be limited
      CallRunner.admit(host, state, request, metrics);
    }
  }

  /** A point-in-time copy of what is enforced; see {@link dev.meshwork.core.engine.MeshSnapshot}. */
  public dev.meshwork.core.engine.MeshSnapshot describe() {
    List<dev.meshwork.core.engine.MeshSnapshot.Service> svc = new java.util.ArrayList<>();
    services.states().forEach((n, st) -> svc.add(Snapshots.service(n, st)));
    List<dev.meshwork.core.engine.MeshSnapshot.Cluster> cl = new java.util.ArrayList<>();
    clusters.entries().values().forEach(e -> cl.add(Snapshots.cluster(e)));
    List<dev.meshwork.core.engine.MeshSnapshot.Nack> nacks = new java.util.ArrayList<>();
    new java.util.TreeMap<>(xds.lastNacks()).forEach((type, n) ->
        nacks.add(new dev.meshwork.core.engine.MeshSnapshot.Nack(type, n.version(), n.detail(), n.at())));
    return new dev.meshwork.core.engine.MeshSnapshot(controlPlane, xds.connected(), staleSince(), svc, cl, nacks);
  }

  public Optional<Instant> staleSince() {
    return xds.staleSince();
  }

  @Override
  public void close() {
    meters.forEach(options.meterRegistry()::remove);
    metrics.close();
    xdsMetrics.close();
    xds.close();
    updates.shutdownNow();
    try {
      updates.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
