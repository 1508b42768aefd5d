package dev.meshwork.core.engine;

import dev.meshwork.core.identity.IdentityOptions;
import dev.meshwork.core.identity.MeshIdentity;
import dev.meshwork.core.telemetry.ClientObservation;
import dev.meshwork.core.telemetry.MeshTelemetry;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.internal.engine.MeshEngine;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Meshwork's transport-free runtime: an xDS client to the control plane and the routing and policy
 * engine that applies what it sends (routes, weighted clusters, load balancing, retries with budget
 * and backoff, timeouts, circuit breaking, outlier detection, fault injection, mirroring, local
 * rate limits). Transports (OkHttp, gRPC) adapt requests to {@link MeshRequest} and send single
 * attempts through {@link Attempt}; everything else happens here.
 *
 * <p>Thread-safe. Config updates are applied by swapping immutable state on one named update
 * thread; the call path takes no locks. {@link #close()} stops every thread it started.
 */
public final class Mesh implements AutoCloseable {
  private final MeshEngine engine;
  private final MeshSettings settings;
  private final MeshIdentity identity;
  private final MeshTelemetry telemetry;

  private Mesh(MeshEngine engine, MeshSettings settings, MeshIdentity identity, MeshTelemetry telemetry) {
    this.engine = engine;
    this.settings = settings;
    this.identity = identity;
    this.telemetry = telemetry;
  }

  /**
   * Connects to the control plane in {@code settings} (lazily: on first use of a service). When the
   * settings carry a join token, first obtains the workload's certificate, waiting for it (see
   * {@link MeshIdentity#start}; fails with its {@code IdentityException}).
   */
  public static Mesh start(MeshSettings settings, MeshOptions options) {
    MeshIdentity identity = null;
    if (settings.hasIdentity()) {
      IdentityOptions io = options.identity();
      if (io.meterRegistry() == null) {
        io = io.toBuilder().meterRegistry(options.meterRegistry()).build();
      }
      identity = MeshIdentity.start(settings, io);
    }
    try {
      return new Mesh(MeshEngine.start(settings, options), settings, identity,
          MeshTelemetry.create(settings, options.telemetry(), options.meterRegistry()));
    } catch (RuntimeException e) {
      if (identity != null) {
        identity.close();
      }
      throw e;
    }
  }

  /** The settings this mesh runs with. */
  public MeshSettings settings() {
    return settings;
  }

  /** Metrics, spans and access log for calls through this mesh, as its options say. */
  public MeshTelemetry telemetry() {
    return telemetry;
  }

  /** The workload's certificate and trust, when the settings carry a join token. */
  public Optional<MeshIdentity> identity() {
    return Optional.ofNullable(identity);
  }

  /**
   * Whether {@code host} (optionally {@code host:port}) is a mesh service. The first question about
   * a host waits (up to the lookup timeout) for the control plane's answer; later ones are instant.
   * Without a control plane to answer (its stream down for over a second, or none reached yet and
   * one caller already waited in vain for this host), a host without an answer is not a mesh
   * service, at once.
   */
  public boolean isMeshService(String host) throws IOException {
    return engine.isMeshService(host);
  }

  /**
   * Runs one call to a mesh service: route, policies, endpoint selection, retries. Observed as an
   * {@code http} client call (method and path of {@code request}); see
   * {@link #call(String, MeshRequest, Attempt, ClientObservation)}.
   *
   * @param host the service as the caller wrote it ({@code reviews} or {@code reviews:9080})
   * @return the response of the attempt that settled the call, or a synthesized one (fault abort)
   * @throws MeshRejectedException when the mesh refuses (no route, no healthy upstream, circuit
   *     open, retry budget spent, rate limited)
   * @throws IOException the last attempt's own failure when retries could not help
   */
  public <R> R call(String host, MeshRequest request, Attempt<R> attempt) throws IOException {
    ClientObservation observation = ClientObservation.noop();
    if (telemetry.enabled()) {
      String q = request.query();
      observation = telemetry.startClient("http", stripPort(host), request.method(),
          q == null ? request.path() : request.path() + "?" + q);
    }
    return engine.call(host, request, attempt, observation);
  }

  /**
   * As {@link #call(String, MeshRequest, Attempt)}, recorded on an observation the transport
   * started with {@code telemetry().startClient(...)}. The engine fills it in (route, cluster,
   * injected faults, Envoy response flags for its own refusals, one
   * {@link dev.meshwork.core.telemetry.AttemptObservation} per attempt, passed to
   * {@link Attempt#send(Upstream, java.time.Duration, dev.meshwork.core.telemetry.AttemptObservation)})
   * and ends it when the call settles: with the returned response's status, or the exception thrown.
   * The transport must not end it.
   */
  public <R> R call(String host, MeshRequest request, Attempt<R> attempt, ClientObservation observation)
      throws IOException {
    return engine.call(host, request, attempt, java.util.Objects.requireNonNull(observation, "observation"));
  }

  /** {@code reviews} for {@code reviews:9080}; IPv6 literals are not service names, so no brackets here. */
  static String stripPort(String host) {
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  /**
   * Applies only the route's admission policy (local rate limit) without sending anything: for
   * transports that route by themselves, such as grpc-xds channels. Never waits for config: a
   * service whose routes are not known yet is admitted.
   *
   * @throws MeshRejectedException kind RATE_LIMITED when the route's token bucket is empty
   */
  public void admit(String host, MeshRequest request) throws MeshRejectedException {
    engine.admit(host, request);
  }

  /**
   * Whether {@link #admit} can refuse a call to {@code host} under the config in force now: its
   * listener has a local rate limit filter. A transport may skip {@code admit} (and building the
   * request for it) when this is false. Never waits for config.
   */
  public boolean isRateLimited(String host) {
    return engine.rateLimited(host);
  }

  /**
   * What this mesh currently enforces: services in use and their routes, clusters and endpoints,
   * the connection to the control plane and unresolved NACKs. A copy; never blocks calls.
   */
  public MeshSnapshot describe() {
    return engine.describe();
  }

  /** Set while running on config persisted earlier that no control plane has confirmed yet. */
  public Optional<Instant> staleSince() {
    return engine.staleSince();
  }

  @Override
  public void close() {
    engine.close();
    if (identity != null) {
      identity.close();
    }
  }
}
