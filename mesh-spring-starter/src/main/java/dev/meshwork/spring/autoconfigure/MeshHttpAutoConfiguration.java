package dev.meshwork.spring.autoconfigure;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.http.MeshHttp;
import dev.meshwork.spring.MeshOkHttpCustomizer;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * HTTP through the mesh: {@link MeshHttp} on the shared {@link Mesh}, and an {@link OkHttpClient}
 * routed by it ({@code http://reviews/...}), built from {@link MeshOkHttpCustomizer} beans. An
 * application that declares its own {@code OkHttpClient} should build it with
 * {@code meshHttp.install(builder)} to keep mesh routing for {@code @MeshClient} interfaces. The
 * client built here has its dispatcher stopped and its pool emptied when the context closes.
 */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnClass({MeshHttp.class, OkHttpClient.class})
@ConditionalOnProperty(prefix = "mesh", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(Mesh.class)
public class MeshHttpAutoConfiguration implements DisposableBean {
  private volatile OkHttpClient built;

  /** OkHttp on the application's mesh (closing it leaves the mesh to its own bean). */
  @Bean
  @ConditionalOnMissingBean
  public MeshHttp meshHttp(Mesh mesh) {
    return MeshHttp.using(mesh);
  }

  /** The mesh-routed client; other hosts than mesh services pass through untouched. */
  @Bean
  @ConditionalOnMissingBean
  public OkHttpClient meshOkHttpClient(MeshHttp meshHttp, ObjectProvider<MeshOkHttpCustomizer> customizers) {
    OkHttpClient.Builder builder = new OkHttpClient.Builder();
    customizers.orderedStream().forEach(c -> c.customize(builder));
    OkHttpClient client = meshHttp.install(builder);
    built = client;
    return client;
  }

  /** Stops the client this configuration built: its dispatcher threads and pooled connections. */
  @Override
  public void destroy() {
    OkHttpClient client = built;
    if (client != null) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }
}
