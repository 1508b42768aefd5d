package dev.meshwork.spring.autoconfigure;

import dev.meshwork.spring.MeshClient;
import dev.meshwork.spring.client.MeshClientsRegistrar;
import dev.meshwork.spring.client.MeshHttpClients;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.client.RestClient;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * {@link MeshClient} HTTP interfaces in the application's packages become beans calling their
 * service through the mesh-routed {@link OkHttpClient}. The application's {@code RestClient.Builder}
 * bean, when it has one, is the template (its converters and interceptors are kept).
 */
@AutoConfiguration(after = MeshHttpAutoConfiguration.class, afterName =
    "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnClass({RestClient.class, HttpServiceProxyFactory.class, OkHttpClient.class})
@ConditionalOnProperty(prefix = "mesh", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(OkHttpClient.class)
@Import(MeshClientsRegistrar.class)
public class MeshClientsAutoConfiguration {
  /** Proxies for {@code @MeshClient} interfaces. */
  @Bean
  @ConditionalOnMissingBean
  public MeshHttpClients meshHttpClients(OkHttpClient client, ObjectProvider<RestClient.Builder> builder) {
    return new MeshHttpClients(client, builder.getIfAvailable(RestClient::builder));
  }
}
