package dev.meshwork.spring.inbound;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The inbound side of a servlet application in the mesh: {@link InboundPolicy} (the server
 * listener's authorization and PeerAuthentication, subscribed once the web server listens),
 * {@link MeshInboundFilter} registered at high precedence, and, with {@code mesh.inbound.tls}
 * (default true), the SSL bundle {@value MeshSslBundle#NAME} plus {@link MeshServerTlsCustomizer}
 * so the server speaks mTLS with the mesh certificate when the workload has an identity.
 * Every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = "dev.meshwork.spring.autoconfigure.MeshAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({OncePerRequestFilter.class, FilterRegistrationBean.class, jakarta.servlet.Filter.class,
    org.springframework.boot.web.server.context.WebServerInitializedEvent.class})
@ConditionalOnBean(Mesh.class)
@ConditionalOnProperty(prefix = "mesh.inbound", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(MeshInboundProperties.class)
public class MeshInboundAutoConfiguration {
  /** The filter's order: early, so denied requests do little work, after Boot's character-encoding filter. */
  public static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

  @Bean
  @ConditionalOnMissingBean
  InboundPolicy meshInboundPolicy(Mesh mesh, MeshInboundProperties properties, ObjectProvider<MeshOptions> options) {
    return new InboundPolicy(mesh.settings(), properties.labelsFor(mesh.settings().service()),
        options.getIfAvailable(() -> MeshOptions.DEFAULTS));
  }

  @Bean
  @ConditionalOnMissingBean(name = "meshInboundFilter")
  FilterRegistrationBean<MeshInboundFilter> meshInboundFilter(InboundPolicy policy, Mesh mesh) {
    FilterRegistrationBean<MeshInboundFilter> registration =
        new FilterRegistrationBean<>(new MeshInboundFilter(policy, mesh.telemetry()));
    registration.setName("meshInboundFilter");
    registration.setOrder(FILTER_ORDER);
    return registration;
  }

  /** TLS with the mesh certificate. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({SslBundleRegistrar.class, WebServerFactoryCustomizer.class})
  @ConditionalOnProperty(prefix = "mesh.inbound", name = "tls", matchIfMissing = true)
  static class Tls {
    @Bean
    @ConditionalOnMissingBean(name = "meshSslBundleRegistrar")
    SslBundleRegistrar meshSslBundleRegistrar(Mesh mesh) {
      return registry -> mesh.identity().ifPresent(identity -> MeshSslBundle.register(registry, identity));
    }

    @Bean
    @ConditionalOnMissingBean
    MeshServerTlsCustomizer meshServerTlsCustomizer(Mesh mesh, Environment environment) {
      return new MeshServerTlsCustomizer(mesh, environment);
    }
  }
}
