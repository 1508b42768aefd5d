package dev.meshwork.spring.autoconfigure;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.telemetry.MetricNaming;
import dev.meshwork.core.telemetry.TelemetryOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.EnumSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The workload's place in the mesh: {@link MeshSettings} from {@code mesh.*} properties and the
 * {@link Mesh} engine (closed with the context) that every mesh client of the application shares.
 * Metrics go to the application's {@link MeterRegistry} and spans to its {@link OpenTelemetry}
 * when it has them.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration"})
@ConditionalOnClass(Mesh.class)
@ConditionalOnProperty(prefix = "mesh", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(MeshProperties.class)
public class MeshAutoConfiguration {
  /** The workload's identity and control plane; fails startup when the properties cannot work. */
  @Bean
  @ConditionalOnMissingBean
  public MeshSettings meshSettings(MeshProperties properties, Environment environment) {
    return MeshPropertiesValidator.settings(properties, environment);
  }

  /** The mesh engine shared by the application's mesh clients and servers. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Mesh mesh(MeshSettings settings, MeshProperties properties, ObjectProvider<MeterRegistry> meterRegistry,
      ObjectProvider<OpenTelemetry> openTelemetry) {
    MeshProperties.Telemetry t = properties.getTelemetry();
    TelemetryOptions telemetry = new TelemetryOptions(t.isEnabled(),
        t.getNaming().isEmpty() ? EnumSet.noneOf(MetricNaming.class) : EnumSet.copyOf(t.getNaming()),
        t.isEndpointTags(), openTelemetry.getIfUnique(), t.isAccessLog(), t.isSamplerAttributes());
    MeshOptions d = MeshOptions.DEFAULTS;
    MeshOptions options = new MeshOptions(d.persistDirectory(), properties.getLookupTimeout(), d.nanoClock(),
        d.meterRegistry(), d.identity(), telemetry);
    if (properties.getPersistDirectory() != null) {
      options = options.withPersistDirectory(properties.getPersistDirectory());
    }
    MeterRegistry registry = meterRegistry.getIfUnique();
    if (registry != null) {
      options = options.withMeterRegistry(registry);
    }
    return Mesh.start(settings, options);
  }
}
