package dev.meshwork.controlplane;

import dev.meshwork.controlplane.internal.admin.AdminServer;
import dev.meshwork.controlplane.internal.ca.CaConfig;
import dev.meshwork.controlplane.internal.ca.CertificateAuthority;
import dev.meshwork.controlplane.internal.ca.JoinToken;
import dev.meshwork.controlplane.internal.config.ConfigError;
import dev.meshwork.controlplane.internal.config.ConfigLoader;
import dev.meshwork.controlplane.internal.config.LoadResult;
import dev.meshwork.controlplane.internal.metrics.ControlPlaneMetrics;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.registry.InstanceRegistry;
import dev.meshwork.controlplane.internal.registry.RegistryService;
import dev.meshwork.controlplane.internal.runtime.DirectoryFingerprint;
import dev.meshwork.controlplane.internal.runtime.DirectoryWatcher;
import dev.meshwork.controlplane.internal.xds.ClientTracker;
import dev.meshwork.controlplane.internal.xds.MeshCache;
import dev.meshwork.controlplane.internal.xds.ResourceSerializer;
import dev.meshwork.controlplane.internal.xds.XdsResources;
import dev.meshwork.controlplane.internal.xds.XdsSnapshot;
import dev.meshwork.controlplane.internal.xds.XdsTranslator;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Meshwork control plane: reads Istio-style YAML from a directory (watched), keeps the
 * instance registry, translates both to Envoy xDS v3 and serves them over ADS, with an admin HTTP
 * API beside it. Runnable from {@link Main} or embedded:
 *
 * <pre>{@code
 * try (ControlPlane cp = ControlPlane.builder().configDirectory(dir).xdsPort(0).adminPort(0).start()) {
 *   MeshSettings s = MeshSettings.builder().controlPlane(cp.xdsTarget()).service("app").build();
 * }
 * }</pre>
 *
 * <p>The same gRPC port serves the certificate authority: Istio's
 * {@code istio.v1.auth.IstioCertificateService/CreateCertificate} (workloads authenticate with a
 * join token, see {@link Builder#joinToken}) and {@code meshwork.ca.v1.TrustBundleService}.
 *
 * <p>Config reloads, registry changes and pushes are serialised on one named thread; a change set
 * with any error is rejected whole and the last good config keeps being served. Thread-safe.
 *
 * <p>Meters ({@code meshwork.cp.*}: pushes and their convergence latency, xDS clients, ACKs and
 * NACKs, config reloads, registry size, certificates) are served in Prometheus format on the admin
 * API's {@code GET /metrics}, and registered in the application's registry too when given one
 * ({@link Builder#meterRegistry}).
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);
  private static final long RELOAD_DEBOUNCE_MS = 100;
  private static final long RELOAD_MAX_DELAY_MS = 1000;
  private static final long PUSH_DEBOUNCE_MS = 20;
  private static final long LEASE_SWEEP_MS = 100;
  private static final long PUSH_EXPIRY_SWEEP_MS = 1000;

  private final Builder settings;
  private final Clock clock = Clock.systemUTC();
  private final ScheduledExecutorService sync;
  private final InstanceRegistry registry;
  private final ClientTracker tracker;
  private final MeshCache cache;
  private final ControlPlaneMetrics metrics;
  private CertificateAuthority ca;
  private Server xdsServer;
  private AdminServer admin;
  private DirectoryWatcher watcher;

  // Written on the sync thread only; volatile for readers (admin API, tests).
  private volatile MeshConfig config = MeshConfig.EMPTY;
  private volatile XdsResources served;
  private volatile ConfigStatus status;
  // False during the registry warm-up after a start: nothing is served, so clients of a previous
  // incarnation keep their config instead of seeing every registered endpoint vanish at once.
  private volatile boolean warm;
  private ScheduledFuture<?> pendingReload;
  private long firstReloadRequest;
  private ScheduledFuture<?> pendingPush;
  // Until the initial config load is done, what is published is tagged trigger=startup.
  private boolean started;

  private ControlPlane(Builder b) {
    this.settings = b;
    this.sync = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshwork-cp-sync");
      t.setDaemon(true);
      return t;
    });
    this.registry = new InstanceRegistry(System::nanoTime, b.defaultLeaseTtl, b.minLeaseTtl, b.maxLeaseTtl,
        this::requestPush);
    this.metrics = new ControlPlaneMetrics(b.meterRegistry, System::nanoTime);
    this.tracker = new ClientTracker(clock, metrics);
    this.served = XdsTranslator.translate(MeshConfig.EMPTY, List.of(), b.trustDomain);
    this.warm = b.registryWarmup.isZero();
    this.cache = new MeshCache(warm ? XdsSnapshot.of(served) : null, tracker::subscriptionChanged, tracker::rejectedVersion,
        tracker::deltaWildcard);
    this.status = new ConfigStatus(0, clock.instant(), List.of(), null);
    metrics.registerGauges(tracker, () -> registry.endpoints().size(), this::configStatus);
  }

  /** A builder with Istio-familiar defaults: xDS on 15010, admin on 15014, bound to loopback. */
  public static Builder builder() {
    return new Builder();
  }

  private ControlPlane startServers() throws IOException {
    if (settings.configDirectory != null) {
      if (!Files.isDirectory(settings.configDirectory)) {
        throw new IOException("config directory " + settings.configDirectory + " does not exist or is not a directory");
      }
      runOnSync(this::reload);
      watcher = new DirectoryWatcher(settings.configDirectory, this::requestReload);
      // inotify misses changes on some filesystems (NFS, some container mounts) and macOS's JDK
      // only polls every ~10 s: a cheap listing check every second backs it up.
      DirectoryFingerprint fingerprint = new DirectoryFingerprint(settings.configDirectory);
      sync.scheduleWithFixedDelay(() -> {
        if (fingerprint.changed()) {
          requestReload();
        }
      }, 1, 1, TimeUnit.SECONDS);
    }
    sync.execute(() -> started = true);
    ca = CertificateAuthority.create(settings.caConfig(), metrics.registry());
    // Each resource is packed once per snapshot, not once per stream it is sent to.
    V3DiscoveryServer discovery = new V3DiscoveryServer(List.of(tracker), cache, new DefaultExecutorGroup(),
        new ResourceSerializer());
    NettyServerBuilder server = NettyServerBuilder.forAddress(new InetSocketAddress(settings.bindAddress, settings.xdsPort))
        .addService(discovery.getAggregatedDiscoveryServiceImpl())
        .addService(new RegistryService(registry))
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true);
    ca.services().forEach(server::addService);
    xdsServer = server.build().start();
    sync.scheduleAtFixedRate(registry::expireLapsed, LEASE_SWEEP_MS, LEASE_SWEEP_MS, TimeUnit.MILLISECONDS);
    sync.scheduleAtFixedRate(metrics::expirePushes, PUSH_EXPIRY_SWEEP_MS, PUSH_EXPIRY_SWEEP_MS, TimeUnit.MILLISECONDS);
    if (!warm) {
      log.info("registry warm-up: serving xDS in {} ms, once instances have re-registered", settings.registryWarmup.toMillis());
      sync.schedule(() -> {
        warm = true;
        push("startup");
      }, settings.registryWarmup.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (settings.adminPort >= 0) {
      admin = AdminServer.start(new InetSocketAddress(settings.adminBindAddress, settings.adminPort), this::configStatus,
          () -> served, registry, tracker, ca::adminView, metrics::scrape);
    }
    log.info("control plane serving xDS, registry and CA on {}:{}, admin on {}, config {}", settings.bindAddress,
        xdsPort(), admin == null ? "off" : settings.adminBindAddress + ":" + admin.port(),
        settings.configDirectory == null ? "(none)" : settings.configDirectory);
    return this;
  }

  /** Port of the xDS + registry gRPC server. */
  public int xdsPort() {
    return xdsServer.getPort();
  }

  /** {@code host:port} clients use as their control-plane address. */
  public String xdsTarget() {
    String host = settings.bindAddress.equals("0.0.0.0") ? "127.0.0.1" : settings.bindAddress;
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + xdsPort();
  }

  /** Port of the admin HTTP API, or -1 when disabled. */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }

  /** SPIFFE trust domain of the identities this control plane's CA issues, e.g. {@code cluster.local}. */
  public String trustDomain() {
    return settings.trustDomain;
  }

  /** Served config version and the last rejection. */
  public ConfigStatus configStatus() {
    return status;
  }

  /** The config being served (internal model; for tests in this package). */
  MeshConfig config() {
    return config;
  }

  /** The xDS resources being served (for tests in this package). */
  XdsResources served() {
    return served;
  }

  /** Re-reads the config directory now and waits until it is applied or rejected. */
  public ConfigStatus reloadNow() {
    if (settings.configDirectory == null) {
      throw new IllegalStateException("this control plane has no config directory (registry only)");
    }
    runOnSync(this::reload);
    return status;
  }

  /**
   * Debounced on the trailing edge (each event restarts the wait) so a multi-file change is read
   * once it has settled, but never postponed more than {@link #RELOAD_MAX_DELAY_MS}.
   */
  private void requestReload() {
    try {
      sync.execute(() -> {
        long now = System.nanoTime();
        if (pendingReload == null || pendingReload.isDone()) {
          firstReloadRequest = now;
        } else {
          pendingReload.cancel(false);
        }
        long waited = TimeUnit.NANOSECONDS.toMillis(now - firstReloadRequest);
        long delay = Math.max(0, Math.min(RELOAD_DEBOUNCE_MS, RELOAD_MAX_DELAY_MS - waited));
        pendingReload = sync.schedule(this::reload, delay, TimeUnit.MILLISECONDS);
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void requestPush() {
    try {
      sync.execute(() -> {
        if (pendingPush == null || pendingPush.isDone()) {
          pendingPush = sync.schedule(() -> push("registry"), PUSH_DEBOUNCE_MS, TimeUnit.MILLISECONDS);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void reload() {
    LoadResult result;
    try {
      result = ConfigLoader.loadDirectory(settings.configDirectory);
    } catch (RuntimeException e) { // the loader reports errors as values; this is a bug guard
      log.error("config load failed unexpectedly; keeping the served config", e);
      status = new ConfigStatus(status.version(), status.appliedAt(), List.of("internal error: " + e), clock.instant());
      metrics.configReload("rejected");
      return;
    }
    if (!result.ok()) {
      List<String> lines = result.errors().stream().map(ConfigError::toString).toList();
      if (lines.equals(status.errors())) {
        return; // the same rejected files seen again (watcher and poll both noticed): said already
      }
      log.error("config change rejected ({} error(s)); still serving version {}:\n  {}", lines.size(), status.version(),
          String.join("\n  ", lines));
      status = new ConfigStatus(status.version(), status.appliedAt(), lines, clock.instant());
      metrics.configReload("rejected");
      return;
    }
    if (result.config().equals(config) && status.errors().isEmpty() && status.version() > 0) {
      return; // a touch without a change
    }
    XdsResources next;
    try {
      next = XdsTranslator.translate(result.config(), registry.endpoints(), settings.trustDomain);
    } catch (RuntimeException e) { // the loader should have caught it; never commit what cannot be served
      log.error("config change rejected: translation failed; still serving version {}", status.version(), e);
      status = new ConfigStatus(status.version(), status.appliedAt(), List.of("translation failed: " + e.getMessage()),
          clock.instant());
      metrics.configReload("rejected");
      return;
    }
    config = result.config();
    publish(next, started ? "config" : "startup");
    // Published after the snapshot: whoever sees the new version gets the new resources.
    status = new ConfigStatus(status.version() + 1, clock.instant(), List.of(), null);
    metrics.configReload("applied");
    log.info("config version {} applied: {} VirtualService(s), {} DestinationRule(s), {} ServiceEntry(s)",
        status.version(), config.virtualServices().size(), config.destinationRules().size(),
        config.serviceEntries().size());
  }

  private void push(String trigger) {
    try {
      publish(XdsTranslator.translate(config, registry.endpoints(), settings.trustDomain), trigger);
    } catch (RuntimeException e) {
      log.error("translation failed; keeping the served resources", e);
    }
  }

  private void publish(XdsResources next, String trigger) {
    served = next;
    if (warm) {
      XdsSnapshot snapshot = XdsSnapshot.of(next);
      // Followed from before it is visible, so no ACK of the new version can come first; sealed
      // once every waiting watch has been answered (the cache answers them on this thread).
      var push = metrics.beginPush(cache.snapshot(), snapshot, tracker, trigger);
      cache.setSnapshot(snapshot);
      push.seal();
    }
  }

  private void runOnSync(Runnable r) {
    try {
      sync.submit(r).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("control plane task failed", e);
    }
  }

  /** Stops serving and every thread this control plane started. */
  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (xdsServer != null) {
      xdsServer.shutdownNow();
      try {
        xdsServer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    sync.shutdownNow();
    metrics.close();
  }

  /** Builder for {@link ControlPlane}; not thread-safe. */
  public static final class Builder {
    private Path configDirectory;
    private String bindAddress = "127.0.0.1";
    private String adminBindAddress = "127.0.0.1";
    private int xdsPort = 15010;
    private int adminPort = 15014;
    private Duration defaultLeaseTtl = Duration.ofSeconds(10);
    private Duration minLeaseTtl = Duration.ofMillis(200);
    private Duration maxLeaseTtl = Duration.ofMinutes(5);
    private Duration registryWarmup = Duration.ZERO;
    private String trustDomain = "cluster.local";
    private Path caDirectory;
    private Path caCertificate;
    private Path caKey;
    private Path caChain;
    private Path additionalTrustedRoots;
    private final List<Path> joinTokenFiles = new ArrayList<>();
    private final List<JoinToken> joinTokens = new ArrayList<>();
    private Duration defaultCertificateTtl = Duration.ofHours(24);
    private Duration maxCertificateTtl = Duration.ofHours(24);
    private MeterRegistry meterRegistry;

    private Builder() {}

    /**
     * The application's registry: the control plane's meters are registered there as well as in
     * its own Prometheus registry (served on the admin API's {@code /metrics}), and removed from
     * it on {@link ControlPlane#close}. One control plane per registry: meter names do not say
     * which control plane they belong to.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = java.util.Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /**
     * SPIFFE trust domain of issued identities ({@code spiffe://<trustDomain>/ns/<ns>/sa/<sa>});
     * default {@code cluster.local}, as in Istio.
     */
    public Builder trustDomain(String trustDomain) {
      this.trustDomain = CaConfig.checkTrustDomain(trustDomain);
      return this;
    }

    /**
     * Directory holding the CA's self-managed root ({@code root-cert.pem}, {@code root-key.pem}):
     * generated on first start, loaded afterwards. Default: none, the root lives in memory only (an
     * embedded control plane chooses where its key goes; the command line defaults to
     * {@code meshwork-ca} next to the config directory). Ignored with
     * {@link #caSigningCertificate}.
     */
    public Builder caDirectory(Path dir) {
      this.caDirectory = dir;
      return this;
    }

    /**
     * Signs with an operator-provided CA instead of a self-managed root: a PEM CA certificate (root
     * or intermediate), its PEM private key, and, for an intermediate, the PEM chain up to the root
     * (null otherwise). Checked at start: the key matches, each certificate is a valid CA signed
     * by the next, the chain ends with a root.
     */
    public Builder caSigningCertificate(Path certificate, Path key, Path chainOrNull) {
      this.caCertificate = java.util.Objects.requireNonNull(certificate, "certificate");
      this.caKey = java.util.Objects.requireNonNull(key, "key");
      this.caChain = chainOrNull;
      return this;
    }

    /**
     * A PEM file of further self-signed roots to publish in the trust bundle next to the current
     * one, so workloads trust both while a root is rotated.
     */
    public Builder additionalTrustedRoots(Path pem) {
      this.additionalTrustedRoots = pem;
      return this;
    }

    /**
     * A YAML file of join tokens, a list of {@code {token, namespace, serviceAccount}} entries;
     * read at start. May be called several times.
     */
    public Builder joinTokens(Path yaml) {
      this.joinTokenFiles.add(java.util.Objects.requireNonNull(yaml, "joinTokens"));
      return this;
    }

    /**
     * Accepts {@code token} (sent as {@code authorization: Bearer <token>}) for certificates of
     * {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>}.
     */
    public Builder joinToken(String token, String namespace, String serviceAccount) {
      this.joinTokens.add(new JoinToken(token, namespace, serviceAccount));
      return this;
    }

    /** Lifetime of a certificate whose request asks for none; default 24 h. */
    public Builder defaultCertificateTtl(Duration ttl) {
      this.defaultCertificateTtl = CaConfig.checkTtl("defaultCertificateTtl", ttl);
      return this;
    }

    /** Longest certificate lifetime granted (longer requests are capped); default 24 h. */
    public Builder maxCertificateTtl(Duration ttl) {
      this.maxCertificateTtl = CaConfig.checkTtl("maxCertificateTtl", ttl);
      return this;
    }

    CaConfig caConfig() {
      return new CaConfig(trustDomain, caDirectory, caCertificate, caKey, caChain, additionalTrustedRoots, joinTokenFiles,
          joinTokens, defaultCertificateTtl, maxCertificateTtl);
    }

    /** Directory of Istio YAML files, watched for changes; none means registry-only. */
    public Builder configDirectory(Path dir) {
      this.configDirectory = dir;
      return this;
    }

    /** Address the xDS + registry server binds to; {@code 0.0.0.0} for all interfaces. */
    public Builder bindAddress(String address) {
      this.bindAddress = address;
      return this;
    }

    /**
     * Address the admin API binds to; loopback by default, since it shows the whole mesh's
     * config and has no authentication.
     */
    public Builder adminBindAddress(String address) {
      this.adminBindAddress = address;
      return this;
    }

    /** xDS + registry port; 0 for an ephemeral port. */
    public Builder xdsPort(int port) {
      this.xdsPort = checkPort("xdsPort", port);
      return this;
    }

    /** Admin HTTP port; 0 for ephemeral, -1 to disable. */
    public Builder adminPort(int port) {
      this.adminPort = port == -1 ? -1 : checkPort("adminPort", port);
      return this;
    }

    /** Lease granted when an instance asks for none. */
    public Builder defaultLeaseTtl(Duration ttl) {
      this.defaultLeaseTtl = ttl;
      return this;
    }

    /** Shortest lease granted (requests below are raised to it). */
    public Builder minLeaseTtl(Duration ttl) {
      this.minLeaseTtl = ttl;
      return this;
    }

    /**
     * How long after start to wait before serving xDS, so instances registered with a previous
     * run (whose heartbeats now get NOT_FOUND) register again first; meanwhile clients keep their
     * last config. Zero (the default when embedded) serves at once; the command line uses 4 s,
     * a little over a third of the default lease (the heartbeat period).
     */
    public Builder registryWarmup(Duration warmup) {
      if (warmup.isNegative()) {
        throw new IllegalArgumentException("registryWarmup: " + warmup + " (expected: >= 0)");
      }
      this.registryWarmup = warmup;
      return this;
    }

    /** Starts the servers; the initial config is loaded (or rejected) before this returns. */
    public ControlPlane start() throws IOException {
      ControlPlane cp = new ControlPlane(this);
      try {
        return cp.startServers();
      } catch (IOException | RuntimeException e) {
        cp.close();
        throw e;
      }
    }

    private static int checkPort(String name, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
      }
      return port;
    }
  }

}
