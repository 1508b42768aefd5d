package dev.meshwork.spring.grpc;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.grpc.MeshServers;
import dev.meshwork.spring.registration.MeshInstance;
import dev.meshwork.spring.registration.MeshRegistrar;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.xds.XdsServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * A mesh gRPC server ({@link MeshServers#forPort(Mesh, int, java.util.Map)}: mTLS and authorization
 * as the control plane's listener says) serving the application's {@link BindableService} beans,
 * started with the context and registered with the control plane once it listens (instance id
 * {@code <instanceId>-grpc}, the same labels as the web server). On stop it deregisters first, then
 * shuts down within the grace period. Thread-safe.
 */
public class MeshGrpcServer implements SmartLifecycle, DisposableBean {
  private final Mesh mesh;
  private final int port;
  private final List<BindableService> services;
  private final MeshInstance instance;
  private final Duration leaseTtl;
  private final Duration gracePeriod;
  private final boolean register;
  private Server server;
  private MeshRegistrar registrar;

  /**
   * @param mesh the workload's mesh (outlives the server)
   * @param port a concrete port (the xDS listener is named after it)
   * @param services what the server serves
   * @param instance address and labels
   * @param leaseTtl requested registration lease
   * @param gracePeriod how long in-flight calls may finish on stop
   * @param register whether to register with the control plane
   */
  public MeshGrpcServer(Mesh mesh, int port, List<BindableService> services, MeshInstance instance,
      Duration leaseTtl, Duration gracePeriod, boolean register) {
    this.mesh = mesh;
    this.port = port;
    this.services = List.copyOf(services);
    this.instance = instance;
    this.leaseTtl = leaseTtl;
    this.gracePeriod = gracePeriod;
    this.register = register;
  }

  @Override
  public synchronized void start() {
    XdsServerBuilder builder = MeshServers.forPort(mesh, port, instance.labels());
    services.forEach(builder::addService);
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("mesh gRPC server on port " + port + " did not start", e);
    }
    if (register) {
      MeshSettings s = mesh.settings();
      MeshSettings grpcInstance = new MeshSettings(s.controlPlane(), s.service(), s.instanceId() + "-grpc",
          s.locality(), s.namespace(), s.serviceAccount(), s.trustDomain(), s.identityToken());
      registrar = MeshRegistrar.start(grpcInstance, instance, port, leaseTtl);
    }
  }

  @Override
  public synchronized void stop() {
    if (registrar != null) {
      registrar.close();
      registrar = null;
    }
    if (server != null) {
      server.shutdown();
      try {
        if (!server.awaitTermination(gracePeriod.toMillis(), TimeUnit.MILLISECONDS)) {
          server.shutdownNow();
        }
      } catch (InterruptedException e) {
        server.shutdownNow();
        Thread.currentThread().interrupt();
      }
      server = null;
    }
  }

  /** Stops the server if the context is torn down without stopping its lifecycle (a failed refresh). */
  @Override
  public void destroy() {
    stop();
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null;
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** Same phase as the web server's graceful shutdown: deregistered and drained alongside it. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 1024;
  }
}
