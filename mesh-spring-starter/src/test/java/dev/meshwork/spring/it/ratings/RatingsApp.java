package dev.meshwork.spring.it.ratings;

import io.grpc.BindableService;
import io.grpc.protobuf.services.HealthStatusManager;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A gRPC-only app: its BindableService is served by the starter's mesh gRPC server. */
@SpringBootApplication
public class RatingsApp {
  @Bean
  BindableService health() {
    return new HealthStatusManager().getHealthService();
  }
}
