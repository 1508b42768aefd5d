package dev.meshwork.spring.it.productpage;

import dev.meshwork.spring.MeshClient;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/** Calls the ratings service's gRPC health service with stubs injected both ways. */
@Component
public class Ratings {
  private final HealthGrpc.HealthBlockingStub byConstructor;
  @MeshClient("ratings")
  HealthGrpc.HealthBlockingStub byField;

  public Ratings(@MeshClient("ratings") HealthGrpc.HealthBlockingStub byConstructor) {
    this.byConstructor = byConstructor;
  }

  public HealthCheckResponse.ServingStatus check(boolean field) {
    return (field ? byField : byConstructor).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }
}
