package dev.meshwork.spring.inbound;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Stands in for the core auto-configuration in context tests: {@link MeshSettings} and a
 * {@link Mesh} against a control plane that is not running (no identity, so nothing waits).
 */
@Configuration(proxyBeanMethods = false)
public class OfflineMesh {
  @Bean
  public MeshSettings meshSettings() {
    return MeshSettings.builder().controlPlane("127.0.0.1:1").service("reviews").build();
  }

  @Bean
  public Mesh mesh(MeshSettings settings) {
    return Mesh.start(settings, MeshOptions.DEFAULTS);
  }
}
