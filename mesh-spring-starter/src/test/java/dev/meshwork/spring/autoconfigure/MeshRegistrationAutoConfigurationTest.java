package dev.meshwork.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshwork.spring.registration.MeshInstance;
import dev.meshwork.spring.registration.MeshWebServerRegistration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;

class MeshRegistrationAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class, MeshRegistrationAutoConfiguration.class))
      .withPropertyValues("mesh.control-plane=127.0.0.1:1", "mesh.service=productpage");

  @Test
  void registrationBean_presentByDefault() {
    runner.run(ctx -> assertThat(ctx).hasSingleBean(MeshWebServerRegistration.class));
  }

  @Test
  void disabledByProperty() {
    runner.withPropertyValues("mesh.registration.enabled=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MeshWebServerRegistration.class));
  }

  @Test
  void withoutWebServerClasses_backsOff() {
    runner.withClassLoader(new FilteredClassLoader(WebServerInitializedEvent.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MeshWebServerRegistration.class));
  }

  @Test
  void labels_appVersionAndCustom() {
    MeshInstance i = MeshInstance.of("10.0.0.7", "reviews", "v2", Map.of("team", "books"));
    assertThat(i.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("app", "reviews", "version", "v2", "team", "books"));
    assertThat(MeshInstance.of(" ", "reviews", null, Map.of()).address()).isNotBlank();
  }
}
