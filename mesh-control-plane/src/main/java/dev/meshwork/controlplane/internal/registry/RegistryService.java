package dev.meshwork.controlplane.internal.registry;

import com.google.protobuf.util.Durations;
import dev.meshwork.api.registry.v1.DeregisterRequest;
import dev.meshwork.api.registry.v1.DeregisterResponse;
import dev.meshwork.api.registry.v1.HeartbeatRequest;
import dev.meshwork.api.registry.v1.HeartbeatResponse;
import dev.meshwork.api.registry.v1.RegisterRequest;
import dev.meshwork.api.registry.v1.RegisterResponse;
import dev.meshwork.api.registry.v1.RegistryGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;

/** gRPC face of {@link InstanceRegistry}: argument errors become INVALID_ARGUMENT with the field named. */
public final class RegistryService extends RegistryGrpc.RegistryImplBase {
  private final InstanceRegistry registry;

  public RegistryService(InstanceRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    if (!request.hasInstance()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("instance: missing").asRuntimeException());
      return;
    }
    RegisteredInstance reg;
    try {
      Duration ttl = request.hasTtl() ? Duration.ofNanos(Durations.toNanos(request.getTtl())) : null;
      reg = registry.register(request.getInstance(), ttl);
    } catch (IllegalArgumentException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (ArithmeticException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("ttl: " + request.getTtl() + " (expected: a few seconds)")
          .asRuntimeException());
      return;
    }
    response.onNext(RegisterResponse.newBuilder().setLeaseId(reg.leaseId()).setTtl(Durations.fromNanos(reg.ttlNanos())).build());
    response.onCompleted();
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
    RegisteredInstance reg = registry.heartbeat(request.getLeaseId());
    if (reg == null) {
      response.onError(Status.NOT_FOUND
          .withDescription("lease " + request.getLeaseId() + " is unknown or has lapsed; register again")
          .asRuntimeException());
      return;
    }
    response.onNext(HeartbeatResponse.newBuilder().setTtl(Durations.fromNanos(reg.ttlNanos())).build());
    response.onCompleted();
  }

  @Override
  public void deregister(DeregisterRequest request, StreamObserver<DeregisterResponse> response) {
    if (!registry.deregister(request.getLeaseId())) {
      response.onError(Status.NOT_FOUND.withDescription("lease " + request.getLeaseId() + " is unknown").asRuntimeException());
      return;
    }
    response.onNext(DeregisterResponse.getDefaultInstance());
    response.onCompleted();
  }
}
