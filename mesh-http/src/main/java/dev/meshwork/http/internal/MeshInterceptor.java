package dev.meshwork.http.internal;

import com.google.common.net.InetAddresses;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.telemetry.ClientObservation;
import java.io.IOException;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Routes requests whose host is a mesh service through the engine; every other request passes
 * through untouched. Mesh calls are observed (metrics, a client span with one child span per
 * attempt, the access log) as the mesh's telemetry options say; each attempt carries W3C
 * {@code traceparent}/{@code tracestate}/{@code baggage} headers naming its own span. Must be the last application interceptor: mesh calls are completed here and
 * do not continue down the chain.
 */
public final class MeshInterceptor implements Interceptor {
  private final Mesh mesh;
  private final Supplier<OkHttpClient> raw;
  private final EndpointUrls urls = new EndpointUrls();
  private volatile MeshTlsClients clients;

  /**
   * @param raw the client attempts are sent with: the application's client without this
   *     interceptor (same pool, dispatcher, network interceptors)
   */
  public MeshInterceptor(Mesh mesh, Supplier<OkHttpClient> raw) {
    this.mesh = mesh;
    this.raw = raw;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    HttpUrl url = request.url();
    if (InetAddresses.isInetAddress(url.host())) {
      return chain.proceed(request);
    }
    String service = url.port() == HttpUrl.defaultPort(url.scheme()) ? url.host() : url.host() + ":" + url.port();
    if (!mesh.isMeshService(service)) {
      return chain.proceed(request);
    }
    ClientObservation observation = ClientObservation.noop();
    if (mesh.telemetry().enabled()) {
      String query = url.encodedQuery();
      observation = mesh.telemetry().startClient("http", url.host(), request.method(),
          query == null ? url.encodedPath() : url.encodedPath() + "?" + query);
    }
    // The engine ends the observation; each attempt's span context goes out in its own headers.
    return mesh.call(service, new OkHttpMeshRequest(request), new OkHttpAttempt(clients(), urls, request, service, chain),
        observation);
  }

  private MeshTlsClients clients() {
    MeshTlsClients c = clients;
    if (c == null) { // benign race: two equal instances, one kept
      c = new MeshTlsClients(raw.get(), mesh.identity().orElse(null));
      clients = c;
    }
    return c;
  }
}
