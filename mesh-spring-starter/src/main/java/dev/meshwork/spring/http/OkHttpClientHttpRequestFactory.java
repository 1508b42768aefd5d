package dev.meshwork.spring.http;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import okhttp3.OkHttpClient;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * A {@link ClientHttpRequestFactory} over an {@link OkHttpClient} (Spring Framework 7 dropped its
 * own): give it the mesh-routed client and {@code RestClient}, {@code RestTemplate} and HTTP
 * interface proxies call {@code http://reviews/...} through the mesh. Request bodies stream to
 * OkHttp (chunked unless a Content-Length is known); response bodies stream from it. Thread-safe;
 * the client's connection pool and dispatcher are shared, never closed by this factory.
 */
public final class OkHttpClientHttpRequestFactory implements ClientHttpRequestFactory {
  private final OkHttpClient client;

  /** Requests through {@code client} with its own timeouts. */
  public OkHttpClientHttpRequestFactory(OkHttpClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** A factory whose calls time out after {@code timeout} in total (OkHttp's call timeout). */
  public OkHttpClientHttpRequestFactory withCallTimeout(Duration timeout) {
    return new OkHttpClientHttpRequestFactory(client.newBuilder().callTimeout(timeout).build());
  }

  /** A factory with this connect timeout. */
  public OkHttpClientHttpRequestFactory withConnectTimeout(Duration timeout) {
    return new OkHttpClientHttpRequestFactory(client.newBuilder().connectTimeout(timeout).build());
  }

  /** A factory with this read timeout (between bytes of the response). */
  public OkHttpClientHttpRequestFactory withReadTimeout(Duration timeout) {
    return new OkHttpClientHttpRequestFactory(client.newBuilder().readTimeout(timeout).build());
  }

  /** The client requests go through. */
  public OkHttpClient client() {
    return client;
  }

  @Override
  public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
    return new OkHttpClientHttpRequest(client, uri, httpMethod);
  }
}
