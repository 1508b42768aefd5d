package dev.meshwork.spring.autoconfigure;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.spring.registration.MeshInstance;
import dev.meshwork.spring.registration.MeshWebServerRegistration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.annotation.Bean;

/**
 * Registers the application's web server with the control plane once it listens and deregisters it
 * on graceful shutdown ({@code mesh.registration.*}).
 */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnClass(WebServerInitializedEvent.class)
@ConditionalOnProperty(prefix = "mesh", name = "enabled", matchIfMissing = true)
@ConditionalOnProperty(prefix = "mesh.registration", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(MeshSettings.class)
public class MeshRegistrationAutoConfiguration {
  /** The web server's registration. */
  @Bean
  @ConditionalOnMissingBean
  public MeshWebServerRegistration meshWebServerRegistration(MeshSettings settings, MeshProperties properties) {
    MeshProperties.Registration reg = properties.getRegistration();
    return new MeshWebServerRegistration(settings,
        MeshInstance.of(reg.getAddress(), settings.service(), properties.getVersion(), properties.getLabels()),
        reg.getLeaseTtl());
  }
}
