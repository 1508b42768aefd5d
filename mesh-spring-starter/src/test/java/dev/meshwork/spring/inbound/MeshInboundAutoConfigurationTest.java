package dev.meshwork.spring.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.MeshOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

class MeshInboundAutoConfigurationTest {
  private final WebApplicationContextRunner web = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshInboundAutoConfiguration.class))
      .withUserConfiguration(OfflineMesh.class);

  @Test
  void servletApp_getsPolicyFilterAndTlsPieces() {
    web.run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(InboundPolicy.class).hasBean("meshInboundFilter")
          .hasSingleBean(MeshServerTlsCustomizer.class).hasBean("meshSslBundleRegistrar");
      FilterRegistrationBean<?> filter = ctx.getBean("meshInboundFilter", FilterRegistrationBean.class);
      assertThat(filter.getFilter()).isInstanceOf(MeshInboundFilter.class);
      assertThat(filter.getOrder()).isEqualTo(MeshInboundAutoConfiguration.FILTER_ORDER);
      assertThat(ctx.getBean(MeshInboundProperties.class).labelsFor("reviews")).isEqualTo(Map.of("app", "reviews"));
    });
  }

  @Test
  void nonWebApp_getsNoFilter() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MeshInboundAutoConfiguration.class))
        .withUserConfiguration(OfflineMesh.class)
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(InboundPolicy.class)
            .doesNotHaveBean("meshInboundFilter"));
  }

  @Test
  void withoutMesh_nothing() {
    new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(MeshInboundAutoConfiguration.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(InboundPolicy.class));
  }

  @Test
  void withoutServletFilterClasses_nothing() {
    web.withClassLoader(new FilteredClassLoader(OncePerRequestFilter.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(InboundPolicy.class));
  }

  @Test
  void disabledByProperty() {
    web.withPropertyValues("mesh.inbound.enabled=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(InboundPolicy.class)
            .doesNotHaveBean("meshInboundFilter"));
  }

  @Test
  void tlsOff_keepsFilterButNoBundleOrCustomizer() {
    web.withPropertyValues("mesh.inbound.tls=false", "mesh.inbound.labels.app=reviews-canary")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasBean("meshInboundFilter").doesNotHaveBean(MeshServerTlsCustomizer.class)
              .doesNotHaveBean(SslBundleRegistrar.class);
          assertThat(ctx.getBean(MeshInboundProperties.class).labelsFor("reviews"))
              .isEqualTo(Map.of("app", "reviews-canary"));
        });
  }

  @Test
  void userBeansWin() {
    web.withUserConfiguration(UserBeans.class).run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(InboundPolicy.class);
      assertThat(ctx.getBean(InboundPolicy.class)).isSameAs(ctx.getBean(UserBeans.class).policy);
      assertThat(ctx.getBean("meshInboundFilter")).isSameAs(ctx.getBean(UserBeans.class).filter);
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class UserBeans {
    final InboundPolicy policy = new InboundPolicy(
        MeshSettings.builder().controlPlane("127.0.0.1:1").service("custom").build(), Map.of(), MeshOptions.DEFAULTS);
    final FilterRegistrationBean<OncePerRequestFilter> filter = new FilterRegistrationBean<>();

    @Bean
    InboundPolicy customPolicy() {
      return policy;
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> meshInboundFilter() {
      return filter;
    }
  }
}
