package dev.meshwork.core.inbound;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.XdsBootstrap;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.internal.authz.DenialLog;
import dev.meshwork.core.internal.model.ServerListener;
import dev.meshwork.core.internal.model.parse.ServerListenerParser;
import dev.meshwork.core.internal.xds.ResourceParser;
import dev.meshwork.core.internal.xds.ResourceWatcher;
import dev.meshwork.core.internal.xds.XdsClient;
import dev.meshwork.core.internal.xds.XdsClientConfig;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound policy of one server port, from the control plane: the same server listener gRPC
 * xDS servers receive ({@link #listenerName}), whose RBAC HTTP filters decide {@link #check} and
 * whose transport socket gives {@link #tlsMode()}.
 *
 * <p><b>Threading.</b> Thread-safe. Updates arrive on mesh-core's xDS client and replace an
 * immutable snapshot with one volatile write; {@link #check} reads it without locks and, once a
 * policy is known, never blocks.
 *
 * <p><b>Errors and fail-closed behaviour.</b> An invalid listener is NACKed and the last good
 * policy stays in force, as does the last policy while the control plane is unreachable. Until
 * the first listener arrives, {@link #check} and {@link #tlsMode()} wait up to
 * {@link MeshOptions#lookupTimeout()}; then {@code check} denies with reason {@value #NO_POLICY_YET}.
 * If the control plane says the listener does not exist, every request is denied (as a gRPC xDS
 * server stops serving). Denials are logged at WARN on logger {@code dev.meshwork.authz},
 * rate-limited. No config is persisted: after a restart, requests are denied until the control
 * plane answers.
 */
public final class MeshInbound implements AutoCloseable {
  /** The reason of denials before the control plane has sent this port's listener. */
  public static final String NO_POLICY_YET = "no inbound policy from the control plane yet";

  private static final Logger log = LoggerFactory.getLogger(MeshInbound.class);

  private final String name;
  private final MeshOptions options;
  private final XdsClient xds;
  private final DenialLog denials;
  private final CompletableFuture<Snapshot> first = new CompletableFuture<>();
  private volatile Snapshot current;

  /** What is enforced: a listener, or a denial reason when there is none. */
  private record Snapshot(ServerListener listener, AuthzDecision denyAll) {}

  private MeshInbound(MeshSettings settings, String name, MeshOptions options) {
    this.name = name;
    this.options = options;
    this.denials = new DenialLog(options.nanoClock());
    Map<String, ResourceParser<?>> parsers = Map.of(ServerListenerParser.TYPE_URL_LISTENER, new ServerListenerParser());
    this.xds = new XdsClient(new XdsClientConfig(settings, parsers, Runnable::run, null, Clock.systemUTC(),
        null, null, null));
  }

  /** {@link #start(MeshSettings, int, Map, MeshOptions)} with {@link MeshOptions#DEFAULTS}. */
  public static MeshInbound start(MeshSettings settings, int port, Map<String, String> labels) {
    return start(settings, port, labels, MeshOptions.DEFAULTS);
  }

  /**
   * Subscribes to the listener of {@code port} (listening on {@code 0.0.0.0}) for this workload.
   *
   * @param labels the workload's labels (may be empty), sent so the control plane can select the
   *     AuthorizationPolicies and PeerAuthentications that apply
   */
  public static MeshInbound start(MeshSettings settings, int port, Map<String, String> labels, MeshOptions options) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(options, "options");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    MeshInbound in = new MeshInbound(settings, listenerName(settings, port, labels), options);
    in.xds.watch(ServerListenerParser.TYPE_URL_LISTENER, in.name, in.new Watcher());
    return in;
  }

  /**
   * The LDS name for a server on {@code 0.0.0.0:port}:
   * {@code grpc/server?xds.resource.listening_address=0.0.0.0:<port>&ns=<ns>&sa=<sa>[&labels=<k=v,...>]}
   * with labels sorted by key and every value URL-encoded (UTF-8).
   */
  public static String listenerName(MeshSettings settings, int port, Map<String, String> labels) {
    return XdsBootstrap.serverListenerTemplate(settings, labels == null ? Map.of() : labels)
        .replace("%s", "0.0.0.0:" + port);
  }

  /** The LDS resource this instance enforces. */
  public String listenerName() {
    return name;
  }

  /**
   * The transport security the control plane asks for; {@link InboundTls#MTLS_REQUIRED} (the
   * strictest) when no listener is known after waiting up to the lookup timeout.
   */
  public InboundTls tlsMode() {
    Snapshot s = await();
    return s == null || s.listener() == null ? InboundTls.MTLS_REQUIRED : s.listener().tls();
  }

  /**
   * The RBAC policies in force, as {@code <ALLOW|DENY> <policy name>} in evaluation order, for
   * monitoring; empty before the first listener arrives or when the listener has none. Never blocks.
   */
  public java.util.List<String> policies() {
    Snapshot s = current;
    if (s == null || s.listener() == null) {
      return java.util.List.of();
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    for (dev.meshwork.core.internal.authz.RbacFilter f : s.listener().rbac().filters()) {
      f.policies().forEach(p -> out.add(f.action() + " " + p.name()));
    }
    return java.util.List.copyOf(out);
  }

  /**
   * Whether {@code request} may proceed under the current policy; logs denials. Waits only before
   * the first listener arrives (see the class comment), and an interrupted wait denies.
   */
  public AuthzDecision check(InboundRequest request) {
    Objects.requireNonNull(request, "request");
    Snapshot s = await();
    AuthzDecision d = s == null ? AuthzDecision.deny(NO_POLICY_YET)
        : s.listener() == null ? s.denyAll() : s.listener().rbac().evaluate(request);
    if (!d.allowed()) {
      denials.denied(request, d);
    }
    return d;
  }

  private Snapshot await() {
    Snapshot s = current;
    if (s != null) {
      return s;
    }
    try {
      return first.get(options.lookupTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void publish(Snapshot s) {
    current = s;
    first.complete(s);
  }

  /** Stops the xDS client; later checks keep the last policy. */
  @Override
  public void close() {
    xds.close();
  }

  private final class Watcher implements ResourceWatcher<ServerListener> {
    @Override
    public void onChanged(ServerListener listener) {
      log.info("Inbound policy for {}: {} with {}", name, listener.tls(), listener.rbac().filters());
      publish(new Snapshot(listener, null));
    }

    @Override
    public void onDoesNotExist(String resource) {
      log.warn("The control plane has no inbound listener {}: denying every request", resource);
      publish(new Snapshot(null, AuthzDecision.deny("the control plane has no inbound listener " + resource)));
    }

    @Override
    public void onAmbientError(String message) {
      log.info("Inbound policy for {} unchanged: {}", name, message); // the xDS client warns already
    }
  }
}
