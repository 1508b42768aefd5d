package dev.meshwork.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshwork.spring.MeshChannelCustomizer;
import dev.meshwork.spring.MeshClient;
import dev.meshwork.spring.grpc.MeshGrpcServer;
import dev.meshwork.spring.grpc.MeshGrpcStubs;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class MeshGrpcAutoConfigurationTest {
  static final List<String> customized = new CopyOnWriteArrayList<>();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class, MeshGrpcAutoConfiguration.class))
      .withPropertyValues("mesh.control-plane=127.0.0.1:1", "mesh.service=productpage");

  @Test
  void stubFieldsAndConstructorParameters_injectedOnCustomizedMeshChannels() {
    customized.clear();
    runner.withUserConfiguration(Clients.class).run(ctx -> {
      FieldClient f = ctx.getBean(FieldClient.class);
      ConstructorClient c = ctx.getBean(ConstructorClient.class);
      assertThat(f.ratings).isNotNull();
      assertThat(c.ratings).isNotNull();
      assertThat(f.ratings.getChannel().authority()).isEqualTo("ratings");
      assertThat(c.ratings.getChannel()).isSameAs(ctx.getBean(MeshGrpcStubs.class).channel("ratings"));
      assertThat(customized).containsExactly("ratings");
    });
  }

  @Test
  void noServerWithoutPort() {
    runner.withUserConfiguration(Services.class).run(ctx -> assertThat(ctx).doesNotHaveBean(MeshGrpcServer.class));
  }

  @Test
  void noServerWithoutServices() {
    runner.withPropertyValues("mesh.grpc.server.port=9090")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MeshGrpcServer.class));
  }

  @Test
  void disabled_noStubs() {
    runner.withPropertyValues("mesh.enabled=false").run(ctx -> assertThat(ctx).doesNotHaveBean(MeshGrpcStubs.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class Clients {
    @Bean
    MeshChannelCustomizer recordingCustomizer() {
      return (service, builder) -> customized.add(service);
    }

    @Bean
    FieldClient fieldClient() {
      return new FieldClient();
    }

    @Bean
    ConstructorClient constructorClient(@MeshClient("ratings") HealthGrpc.HealthBlockingStub ratings) {
      return new ConstructorClient(ratings);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Services {
    @Bean
    io.grpc.BindableService health() {
      return new HealthStatusManager().getHealthService();
    }
  }

  static class FieldClient {
    @MeshClient("ratings")
    HealthGrpc.HealthBlockingStub ratings;
  }

  record ConstructorClient(HealthGrpc.HealthBlockingStub ratings) {
  }
}
