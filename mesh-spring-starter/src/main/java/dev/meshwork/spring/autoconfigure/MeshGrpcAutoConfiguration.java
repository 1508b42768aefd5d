package dev.meshwork.spring.autoconfigure;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.grpc.MeshChannels;
import dev.meshwork.spring.MeshChannelCustomizer;
import dev.meshwork.spring.grpc.MeshGrpcServer;
import dev.meshwork.spring.grpc.MeshGrpcStubs;
import dev.meshwork.spring.grpc.MeshStubFieldInjector;
import dev.meshwork.spring.grpc.MeshStubResolverInstaller;
import dev.meshwork.spring.registration.MeshInstance;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * gRPC through the mesh: {@code @MeshClient("ratings")} stub fields and constructor parameters get
 * stubs on {@code xds:///ratings} channels ({@link MeshGrpcStubs}, customized by
 * {@link MeshChannelCustomizer} beans); with {@code mesh.grpc.server.port} set and
 * {@link BindableService} beans defined, a {@link MeshGrpcServer} serves and registers them.
 */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnClass({MeshChannels.class, ManagedChannel.class})
@ConditionalOnProperty(prefix = "mesh", name = "enabled", matchIfMissing = true)
public class MeshGrpcAutoConfiguration {
  /** Channels and stubs for {@code @MeshClient} injection points. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(Mesh.class)
  public MeshGrpcStubs meshGrpcStubs(Mesh mesh, ObjectProvider<MeshChannelCustomizer> customizers) {
    return new MeshGrpcStubs(mesh, customizers.orderedStream().toList());
  }

  /** Injects {@code @MeshClient} stub fields. */
  @Bean
  static MeshStubFieldInjector meshStubFieldInjector(ObjectProvider<MeshGrpcStubs> stubs) {
    return new MeshStubFieldInjector(stubs);
  }

  /** Lets {@code @MeshClient} constructor parameters be resolved to stubs. */
  @Bean
  static MeshStubResolverInstaller meshStubResolverInstaller() {
    return new MeshStubResolverInstaller();
  }

  /** The mesh gRPC server for the application's services. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean({Mesh.class, BindableService.class})
  @ConditionalOnProperty(prefix = "mesh.grpc.server", name = "port")
  public MeshGrpcServer meshGrpcServer(Mesh mesh, MeshProperties properties,
      ObjectProvider<BindableService> services) {
    MeshProperties.Grpc.Server server = properties.getGrpc().getServer();
    MeshProperties.Registration reg = properties.getRegistration();
    return new MeshGrpcServer(mesh, server.getPort(), services.orderedStream().toList(),
        MeshInstance.of(reg.getAddress(), mesh.settings().service(), properties.getVersion(), properties.getLabels()),
        reg.getLeaseTtl(), server.getShutdownGracePeriod(), reg.isEnabled());
  }
}
