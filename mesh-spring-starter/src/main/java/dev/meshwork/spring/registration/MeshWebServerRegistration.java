package dev.meshwork.spring.registration;

import dev.meshwork.core.MeshSettings;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Registers the application's web server with the control plane once it listens (its port from
 * {@link WebServerInitializedEvent}; the management server is left out), and deregisters when the
 * context stops: its {@link SmartLifecycle} phase stops before the web server's graceful shutdown,
 * so callers stop picking the instance before it stops accepting. A context whose refresh fails
 * after the web server started deregisters when its beans are destroyed.
 */
public class MeshWebServerRegistration implements ApplicationListener<WebServerInitializedEvent>, SmartLifecycle,
    DisposableBean {
  /** Stops before {@code WebServerGracefulShutdownLifecycle} (DEFAULT_PHASE - 1024). */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private final MeshSettings settings;
  private final MeshInstance instance;
  private final Duration ttl;
  private volatile MeshRegistrar registrar;
  private volatile boolean running;

  /**
   * @param settings the workload
   * @param instance address and labels to register
   * @param ttl requested lease
   */
  public MeshWebServerRegistration(MeshSettings settings, MeshInstance instance, Duration ttl) {
    this.settings = settings;
    this.instance = instance;
    this.ttl = ttl;
  }

  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    if ("management".equals(event.getApplicationContext().getServerNamespace())) {
      return;
    }
    int port = event.getWebServer().getPort();
    if (port <= 0) {
      return;
    }
    synchronized (this) {
      if (registrar != null) {
        registrar.close();
      }
      registrar = MeshRegistrar.start(settings, instance, port, ttl);
    }
  }

  /** Whether the web server is currently registered. */
  public boolean registered() {
    MeshRegistrar r = registrar;
    return r != null && r.registered();
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (registrar != null) {
      registrar.close();
      registrar = null;
    }
  }

  @Override
  public void destroy() {
    stop();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
