package dev.meshwork.spring.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshwork.spring.inbound.OfflineMesh;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class MeshActuatorAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshActuatorAutoConfiguration.class))
      .withUserConfiguration(OfflineMesh.class)
      .withPropertyValues("management.endpoints.web.exposure.include=health,mesh");

  @Test
  void healthAndEndpoint() {
    runner.run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(MeshHealthIndicator.class).hasSingleBean(MeshEndpoint.class);
      Health h = ctx.getBean(MeshHealthIndicator.class).health();
      assertThat(h.getStatus()).isEqualTo(Status.OUT_OF_SERVICE); // nothing listens on 127.0.0.1:1
      assertThat(h.getDetails()).containsEntry("controlPlane", "127.0.0.1:1").containsEntry("connected", false);
      Map<String, Object> view = ctx.getBean(MeshEndpoint.class).mesh();
      assertThat(view).containsEntry("service", "reviews").containsEntry("connected", false).containsKey("clusters")
          .doesNotContainKey("inbound");
    });
  }

  @Test
  void endpointNotExposed_noEndpoint() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MeshActuatorAutoConfiguration.class))
        .withUserConfiguration(OfflineMesh.class)
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MeshEndpoint.class)
            .hasSingleBean(MeshHealthIndicator.class));
  }

  @Test
  void withoutActuator_noEndpoint_withoutHealth_noIndicator() {
    runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MeshEndpoint.class));
    runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MeshHealthIndicator.class));
  }

  @Test
  void healthDisabledByProperty() {
    runner.withPropertyValues("management.health.mesh.enabled=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MeshHealthIndicator.class));
  }

  @Test
  void withoutMesh_nothing() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MeshActuatorAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=mesh")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MeshEndpoint.class)
            .doesNotHaveBean(MeshHealthIndicator.class));
  }

  @Test
  void userBeansWin() {
    runner.withUserConfiguration(UserBeans.class).run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(MeshEndpoint.class);
      assertThat(ctx.getBean("meshHealthIndicator")).isInstanceOf(UserBeans.Custom.class);
      assertThat(ctx.getBean(MeshEndpoint.class)).isSameAs(ctx.getBean("customEndpoint"));
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class UserBeans {
    static final class Custom implements HealthIndicator {
      @Override
      public Health health() {
        return Health.up().build();
      }
    }

    @Bean
    HealthIndicator meshHealthIndicator() {
      return new Custom();
    }

    @Bean
    MeshEndpoint customEndpoint(dev.meshwork.core.engine.Mesh mesh) {
      return new MeshEndpoint(mesh, null);
    }
  }
}
