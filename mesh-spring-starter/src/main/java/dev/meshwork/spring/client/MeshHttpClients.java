package dev.meshwork.spring.client;

import dev.meshwork.spring.http.OkHttpClientHttpRequestFactory;
import java.util.Objects;
import okhttp3.OkHttpClient;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * Makes {@code @MeshClient} HTTP interface proxies: {@link HttpServiceProxyFactory} over a
 * {@link RestClient} with base URL {@code http://<service>} whose requests go through the
 * mesh-routed {@link OkHttpClient} ({@link OkHttpClientHttpRequestFactory}). Thread-safe.
 */
public class MeshHttpClients {
  private final OkHttpClientHttpRequestFactory requestFactory;
  private final RestClient.Builder template;

  /**
   * @param client the mesh-routed client
   * @param template a builder to start from (message converters, interceptors); copied per service
   */
  public MeshHttpClients(OkHttpClient client, RestClient.Builder template) {
    this.requestFactory = new OkHttpClientHttpRequestFactory(Objects.requireNonNull(client, "client"));
    this.template = Objects.requireNonNull(template, "template");
  }

  /** The RestClient for {@code service} ({@code reviews} or {@code reviews:9080}). */
  public RestClient restClient(String service) {
    if (service == null || service.isBlank() || service.contains("/")) {
      throw new IllegalArgumentException("@MeshClient: \"" + service + "\" (expected: a service such as reviews)");
    }
    return template.clone().baseUrl("http://" + service).requestFactory(requestFactory).build();
  }

  /** A proxy of {@code type} calling {@code service}. */
  public <T> T create(Class<T> type, String service) {
    return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(restClient(service))).build()
        .createClient(type);
  }
}
