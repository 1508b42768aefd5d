package dev.meshwork.spring.actuator;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.spring.inbound.InboundPolicy;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator support: health contributor {@code mesh} ({@link MeshHealthIndicator},
 * {@code management.health.mesh.enabled}) and endpoint {@code mesh} ({@link MeshEndpoint}, exposed
 * like any endpoint with {@code management.endpoints.web.exposure.include}). Each backs off when the
 * application defines its own bean.
 */
@AutoConfiguration(afterName = "dev.meshwork.spring.autoconfigure.MeshAutoConfiguration",
    after = dev.meshwork.spring.inbound.MeshInboundAutoConfiguration.class)
@ConditionalOnBean(Mesh.class)
public class MeshActuatorAutoConfiguration {

  /** The health contributor, when spring-boot-health is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
  @ConditionalOnEnabledHealthIndicator("mesh")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "meshHealthIndicator")
    MeshHealthIndicator meshHealthIndicator(Mesh mesh) {
      return new MeshHealthIndicator(mesh);
    }
  }

  /** The endpoint, when Actuator is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
  @ConditionalOnAvailableEndpoint(MeshEndpoint.class)
  static class EndpointConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MeshEndpoint meshEndpoint(Mesh mesh, ObjectProvider<InboundPolicy> inbound) {
      return new MeshEndpoint(mesh, inbound.getIfAvailable());
    }
  }
}
