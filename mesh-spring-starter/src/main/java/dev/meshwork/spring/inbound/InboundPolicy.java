package dev.meshwork.spring.inbound;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.inbound.AuthzDecision;
import dev.meshwork.core.inbound.InboundRequest;
import dev.meshwork.core.inbound.InboundTls;
import dev.meshwork.core.inbound.MeshInbound;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * The application web server's {@link MeshInbound}: started once the server listens (its port
 * names the control plane's server listener), closed with the context. The management server
 * (a separate Actuator port) is not subscribed.
 *
 * <p>Thread-safe. Until the port is known, {@link #check} waits up to the lookup timeout and then
 * denies with {@link MeshInbound#NO_POLICY_YET} (fail closed, as {@code MeshInbound} itself does).
 */
public class InboundPolicy implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {
  private final MeshSettings settings;
  private final Map<String, String> labels;
  private final MeshOptions options;
  private final CompletableFuture<MeshInbound> inbound = new CompletableFuture<>();

  /** A policy for the workload in {@code settings}, subscribed with {@code labels}. */
  public InboundPolicy(MeshSettings settings, Map<String, String> labels, MeshOptions options) {
    this.settings = settings;
    this.labels = Map.copyOf(labels);
    this.options = options;
  }

  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    String namespace = event.getApplicationContext().getServerNamespace();
    if ("management".equals(namespace)) {
      return; // management server
    }
    if (!inbound.isDone()) {
      inbound.complete(MeshInbound.start(settings, event.getWebServer().getPort(), labels, options));
    }
  }

  /** Whether {@code request} may proceed; see the class comment for the time before the server listens. */
  public AuthzDecision check(InboundRequest request) {
    MeshInbound in = await();
    return in == null ? AuthzDecision.deny(MeshInbound.NO_POLICY_YET) : in.check(request);
  }

  /** The transport security the control plane asks for; {@link InboundTls#MTLS_REQUIRED} while unknown. */
  public InboundTls tlsMode() {
    MeshInbound in = await();
    return in == null ? InboundTls.MTLS_REQUIRED : in.tlsMode();
  }

  /** The subscribed listener's name, empty before the web server listens. */
  public Optional<String> listenerName() {
    return Optional.ofNullable(inbound.getNow(null)).map(MeshInbound::listenerName);
  }

  /** The RBAC policies in force ({@link MeshInbound#policies()}); empty before the server listens. */
  public java.util.List<String> policies() {
    MeshInbound in = inbound.getNow(null);
    return in == null ? java.util.List.of() : in.policies();
  }

  private MeshInbound await() {
    MeshInbound in = inbound.getNow(null);
    if (in != null) {
      return in;
    }
    try {
      return inbound.get(options.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException e) {
      return null;
    }
  }

  @Override
  public void destroy() {
    MeshInbound in = inbound.getNow(null);
    if (in != null) {
      in.close();
    }
  }
}
