package dev.meshwork.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshwork.spring.EnableMeshClients;
import dev.meshwork.spring.autoconfigure.clients.Reviews;
import dev.meshwork.spring.client.MeshHttpClients;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

class MeshClientsAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class, MeshHttpAutoConfiguration.class,
          MeshClientsAutoConfiguration.class))
      .withPropertyValues("mesh.control-plane=127.0.0.1:1", "mesh.service=productpage");

  @Test
  void interfacesInTheApplicationPackagesBecomeBeans() {
    runner.withInitializer(ctx -> AutoConfigurationPackages.register((BeanDefinitionRegistry) ctx.getBeanFactory(),
        Reviews.class.getPackageName())).run(ctx -> {
          assertThat(ctx).hasSingleBean(Reviews.class);
          assertThat(AopUtils.isAopProxy(ctx.getBean(Reviews.class)) || java.lang.reflect.Proxy.isProxyClass(
              ctx.getBean(Reviews.class).getClass())).isTrue();
        });
  }

  @Test
  void enableMeshClients_scansItsPackages() {
    runner.withUserConfiguration(Enabled.class).run(ctx -> assertThat(ctx).hasSingleBean(Reviews.class));
  }

  @Test
  void noScanPackages_noClients() {
    runner.run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(MeshHttpClients.class)
        .doesNotHaveBean(Reviews.class));
  }

  @Test
  void withoutSpringWeb_backsOff() {
    runner.withClassLoader(new FilteredClassLoader(RestClient.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MeshHttpClients.class));
  }

  @Test
  void disabled_noClients() {
    runner.withUserConfiguration(Enabled.class).withPropertyValues("mesh.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(MeshHttpClients.class));
  }

  @Configuration(proxyBeanMethods = false)
  @EnableMeshClients(basePackageClasses = Reviews.class)
  static class Enabled {
  }
}
