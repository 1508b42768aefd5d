package dev.meshwork.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshwork.http.MeshHttp;
import dev.meshwork.spring.MeshOkHttpCustomizer;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class MeshHttpAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class, MeshHttpAutoConfiguration.class))
      .withPropertyValues("mesh.control-plane=127.0.0.1:1", "mesh.service=productpage");

  @Test
  void meshRoutedClient_withCustomizersApplied() {
    runner.withUserConfiguration(Customizers.class).run(ctx -> {
      OkHttpClient client = ctx.getBean(OkHttpClient.class);
      assertThat(client.callTimeoutMillis()).isEqualTo(1234);
      assertThat(client.readTimeoutMillis()).isEqualTo(4321);
      assertThat(client.interceptors()).hasSizeGreaterThanOrEqualTo(1); // the mesh's, last
      assertThat(ctx.getBean(MeshHttp.class).mesh()).isSameAs(ctx.getBean(dev.meshwork.core.engine.Mesh.class));
    });
  }

  @Test
  void clientStoppedWithTheContext() {
    OkHttpClient[] client = new OkHttpClient[1];
    runner.run(ctx -> client[0] = ctx.getBean(OkHttpClient.class));
    assertThat(client[0].dispatcher().executorService().isShutdown()).isTrue();
  }

  @Test
  void userClientWins() {
    runner.withUserConfiguration(UserClient.class).run(ctx -> {
      assertThat(ctx).hasSingleBean(OkHttpClient.class);
      assertThat(ctx.getBean(OkHttpClient.class).callTimeoutMillis()).isEqualTo(99);
    });
  }

  @Test
  void missingOkHttp_backsOff() {
    runner.withClassLoader(new FilteredClassLoader(OkHttpClient.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MeshHttp.class));
  }

  @Test
  void disabled_noClient() {
    runner.withPropertyValues("mesh.enabled=false").run(ctx -> assertThat(ctx).doesNotHaveBean(OkHttpClient.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class Customizers {
    @Bean
    MeshOkHttpCustomizer callTimeout() {
      return b -> b.callTimeout(Duration.ofMillis(1234));
    }

    @Bean
    MeshOkHttpCustomizer readTimeout() {
      return b -> b.readTimeout(Duration.ofMillis(4321));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UserClient {
    @Bean
    OkHttpClient myClient() {
      return new OkHttpClient.Builder().callTimeout(Duration.ofMillis(99)).build();
    }
  }
}
