package dev.meshwork.core;

import dev.meshwork.api.registry.v1.DeregisterRequest;
import dev.meshwork.api.registry.v1.HeartbeatRequest;
import dev.meshwork.api.registry.v1.Instance;
import dev.meshwork.api.registry.v1.RegisterRequest;
import dev.meshwork.api.registry.v1.RegisterResponse;
import dev.meshwork.api.registry.v1.RegistryGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance registered with the control plane: registers, heartbeats at a third of the
 * granted TTL (a tenth after a failed beat) on one named daemon thread, registers again when the lease was lost (control plane
 * restarted, or a long pause), and deregisters on {@link #close()}. Failures are logged and
 * retried; they never reach the application.
 */
public final class MeshRegistration implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MeshRegistration.class);

  private final ManagedChannel channel;
  private final RegistryGrpc.RegistryBlockingStub stub;
  private final Instance instance;
  private final Duration requestedTtl;
  private final ScheduledExecutorService timer;
  private volatile String leaseId;
  private volatile Duration ttl;
  private ScheduledFuture<?> next;
  private boolean closed;

  private MeshRegistration(MeshSettings settings, Instance instance, Duration requestedTtl) {
    this.channel = Grpc.newChannelBuilder(settings.controlPlane(), InsecureChannelCredentials.create()).build();
    this.stub = RegistryGrpc.newBlockingStub(channel);
    this.instance = instance;
    this.requestedTtl = requestedTtl;
    this.ttl = requestedTtl;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshwork-registration-" + instance.getInstanceId());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Registers this process's instance and keeps it alive.
   *
   * @param address IP literal other services reach this instance on
   * @param port the port it serves on
   * @param labels workload labels such as {@code version=v2}
   * @param ttl requested lease (the control plane may clamp it); heartbeats go every ttl/3
   * @throws StatusRuntimeException when the first registration is refused (e.g. INVALID_ARGUMENT)
   */
  public static MeshRegistration register(MeshSettings settings, String address, int port, Map<String, String> labels,
      Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    Instance instance = Instance.newBuilder()
        .setInstanceId(settings.instanceId())
        .setService(settings.service())
        .setAddress(address)
        .setPort(port)
        .putAllLabels(labels)
        .setLocality(settings.locality())
        .setNamespace(settings.namespace())
        .setServiceAccount(settings.serviceAccount())
        .build();
    MeshRegistration r = new MeshRegistration(settings, instance, ttl);
    try {
      r.registerNow();
    } catch (RuntimeException e) {
      r.shutdown();
      throw e;
    }
    r.schedule();
    return r;
  }

  /** Lease id currently held. */
  public String leaseId() {
    return leaseId;
  }

  private void registerNow() {
    RegisterResponse resp = stub.withDeadlineAfter(5, TimeUnit.SECONDS).register(RegisterRequest.newBuilder()
        .setInstance(instance).setTtl(toProto(requestedTtl)).build());
    leaseId = resp.getLeaseId();
    ttl = Duration.ofSeconds(resp.getTtl().getSeconds(), resp.getTtl().getNanos());
  }

  private static com.google.protobuf.Duration toProto(Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  /** Next beat a third of the TTL after the last good one; sooner (a tenth) after a failure. */
  private synchronized void schedule(boolean lastFailed) {
    if (!closed) {
      long delay = Math.max(50, lastFailed ? ttl.toMillis() / 10 : ttl.toMillis() / 3);
      next = timer.schedule(this::beat, delay, TimeUnit.MILLISECONDS);
    }
  }

  private void schedule() {
    schedule(false);
  }

  private void beat() {
    boolean failed = false;
    try {
      // Deadline well inside the TTL so a slow control plane leaves time for a retry.
      stub.withDeadlineAfter(Math.max(100, ttl.toMillis() / 6), TimeUnit.MILLISECONDS)
          .heartbeat(HeartbeatRequest.newBuilder().setLeaseId(leaseId).build());
    } catch (StatusRuntimeException e) {
      failed = true;
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        synchronized (this) {
          if (closed) {
            return; // our own deregistration removed the lease: do not come back as a ghost
          }
        }
        log.info("lease of {} was lost ({}); registering again", instance.getInstanceId(), e.getStatus().getDescription());
        try {
          registerNow();
          failed = false;
        } catch (StatusRuntimeException again) {
          log.warn("re-registration of {} failed: {}", instance.getInstanceId(), again.getStatus());
        }
      } else {
        log.warn("heartbeat of {} failed: {}; retrying", instance.getInstanceId(), e.getStatus());
      }
    } catch (RuntimeException e) {
      failed = true;
      log.warn("heartbeat of {} failed", instance.getInstanceId(), e);
    }
    schedule(failed);
  }

  /** Deregisters (best effort) and stops the heartbeat thread. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (next != null) {
        next.cancel(false);
      }
    }
    // Let a beat in flight finish before the lease goes, so it cannot race the deregistration.
    timer.shutdown();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      stub.withDeadlineAfter(2, TimeUnit.SECONDS).deregister(DeregisterRequest.newBuilder().setLeaseId(leaseId).build());
    } catch (StatusRuntimeException e) {
      log.info("deregistration of {} failed: {}", instance.getInstanceId(), e.getStatus());
    }
    shutdown();
  }

  private void shutdown() {
    timer.shutdownNow();
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
